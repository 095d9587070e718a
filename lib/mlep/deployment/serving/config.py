"""Which models to serve: TF Serving's ``models.config`` and exporting a model version.

Examples
--------
>>> config = parse_model_config('''
... model_config_list {
...   config { name: "readmission" base_path: "/models/readmission" model_platform: "tensorflow"
...            model_version_policy { specific { versions: 1 versions: 2 } }
...            version_labels { key: "stable" value: 1 } version_labels { key: "canary" value: 2 } }
... }''')
>>> config[0].name, config[0].policy, config[0].labels
('readmission', ('specific', (1, 2)), {'stable': 1, 'canary': 2})
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ModelConfig", "export_model", "model_config_from_proto", "parse_model_config"]


@dataclass(frozen=True)
class ModelConfig:
    """One served model: name, base path, version policy and version labels.

    ``policy`` is ``("latest", n)`` (TF Serving's default, n = 1), ``("all",)`` or
    ``("specific", (versions...))``.
    """

    name: str
    base_path: str
    policy: tuple = ("latest", 1)
    labels: dict[str, int] = field(default_factory=dict)


def parse_model_config(text: str) -> list[ModelConfig]:
    """Read a TF Serving ``models.config`` (``ModelServerConfig`` in protobuf text format)."""
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    config = model_server_config_pb2.ModelServerConfig()
    try:
        text_format.Parse(text, config)
    except text_format.ParseError as error:
        raise ValueError(f"models.config is not a valid TF Serving model config: {error}") from None
    models = []
    for entry in config.model_config_list.config:
        if not entry.name or not entry.base_path:
            raise ValueError("every model in models.config needs a name and a base_path")
        models.append(model_config_from_proto(entry))
    if not models:
        raise ValueError("models.config lists no model (model_config_list { config { ... } })")
    return models


def model_config_from_proto(entry) -> ModelConfig:
    """One ``ModelConfig`` proto entry (from models.config or a gRPC reload) as a ModelConfig.

    Parameters
    ----------
    entry : tensorflow.serving.ModelConfig
        A ``config { ... }`` entry of a ``model_config_list``.

    Returns
    -------
    ModelConfig
        Its name, base path, version policy (``("all",)``, ``("specific", versions)`` or
        ``("latest", n)``) and version labels.
    """
    kind = entry.model_version_policy.WhichOneof("policy_choice")
    if kind == "all":
        policy: tuple = ("all",)
    elif kind == "specific":
        policy = ("specific", tuple(entry.model_version_policy.specific.versions))
    else:
        policy = ("latest", entry.model_version_policy.latest.num_versions or 1)
    return ModelConfig(entry.name, entry.base_path, policy, dict(entry.version_labels))


def export_model(model: Any, base_path: str | Path, version: int) -> Path:
    """Save a Keras/TF model as the SavedModel ``base_path/<version>/`` (with ``serving_default``).

    Written to a temporary folder and renamed, so a running server never sees half a model.
    """
    from mlep.runtime import quiet, tensorflow

    tf = tensorflow()
    if int(version) < 1:
        raise ValueError(f"model versions are positive integers, got {version}")
    target = Path(base_path) / str(int(version))
    if target.exists():
        raise FileExistsError(
            f"{target} exists: versions are immutable, export a new version number"
        )
    staging = Path(base_path) / f".{int(version)}.partial"
    with quiet():
        tf.saved_model.save(model, str(staging))
    staging.rename(target)
    return target
