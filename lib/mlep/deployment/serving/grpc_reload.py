"""Reloading the model config over gRPC (``ModelService.HandleReloadConfigRequest``).

Part of the gRPC side of :mod:`mlep.deployment.serving`: a new ``ModelServerConfig`` is checked
as TF Serving's ``server_core.cc`` checks it, then models are added, changed and removed.
"""

from pathlib import PurePosixPath

from .config import ModelConfig, model_config_from_proto
from .errors import ServingError, invalid
from .server import ModelServer
from .versions import ServedModel

__all__ = ["reload_config"]

# -- reloading the config (ModelService.HandleReloadConfigRequest) --------------------------


def reload_config(server: ModelServer, config_list) -> None:
    """Serve the models of a ``ModelConfigList`` from now on, as ``ServerCore::ReloadConfig``.

    Parameters
    ----------
    server : ModelServer
        The server whose models change.
    config_list : tensorflow.serving.ModelConfigList
        The new list (a ``ReloadConfigRequest``'s ``config.model_config_list``).

    Notes
    -----
    New models are loaded (and must become available), models that stay get their new version
    policy and labels, models left out are unloaded (their versions end in state ``END``).
    Labels must name versions that are available now, as TF Serving requires by default.
    A config refused by its checks (names, paths, platforms, labels) changes nothing; a new
    model that does not become available stays listed, with its versions' errors in its status.

    Raises
    ------
    ServingError
        With TF Serving's code and message when the config is refused.
    """
    names: set[str] = set()
    configs = []
    for entry in config_list.config:
        if entry.name in names:
            raise invalid(f"Illegal to list model {entry.name} multiple times in config list")
        names.add(entry.name)
        if not PurePosixPath(entry.base_path).is_absolute() and "://" not in entry.base_path:
            raise invalid(
                f"Expected model {entry.name} to have an absolute path or URI; "
                f"got base_path()={entry.base_path}"
            )
        configs.append(model_config_from_proto(entry))
    for entry in config_list.config:
        if not entry.model_platform:
            raise invalid(
                "Illegal setting neither ModelServerConfig::model_type (deprecated) nor "
                "ModelServerConfig::model_platform."
            )
        if entry.model_platform != "tensorflow":
            raise invalid(
                f"Model {entry.name} requests unsupported platform {entry.model_platform}"
            )
    _check_labels(server, configs)
    models = dict(server.models)
    for config in configs:
        model = models.get(config.name)
        if model is None:
            models[config.name] = model = ServedModel(config)
        else:
            model.config = config
        model.refresh()
    for name in set(models) - names:  # left out: unload every version, keep their END states
        model = models[name]
        model.config = ModelConfig(name, model.config.base_path, ("specific", ()), {})
        model.refresh()
    server.models = models
    _check_available(server, [c.name for c in configs])


def _check_labels(server: ModelServer, configs: list[ModelConfig]) -> None:
    for config in configs:
        model = server.models.get(config.name)
        for version in config.labels.values():
            state = model.states.get(version) if model is not None else None
            if state is None or state.state != "AVAILABLE":
                raise ServingError(
                    f"Request to assign label to version {version} of model {config.name}, "
                    "which is not currently available for inference",
                    400,
                    "FAILED_PRECONDITION",
                )


def _check_available(server: ModelServer, names: list[str]) -> None:
    missing = [n for n in names if not server.models[n].servables]
    if missing:
        details = ", ".join(
            f"{{name: {n} version: {v} due to error: {s.error_code}: {s.error_message}}}"
            for n in missing
            for v, s in sorted(server.models[n].states.items())
            if s.error_code != "OK"
        ) or ", ".join(f"{{name: {n}: no version found}}" for n in missing)
        raise ServingError(
            f"{len(missing)} model(s) did not become available: {{{details}}}",
            400,
            "FAILED_PRECONDITION",
        )
