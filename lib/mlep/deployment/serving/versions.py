"""The versions of one model: which to load (policy), their states, labels and lookups.

As TF Serving's file-system source and ServerCore do it:

* a version is a sub-folder of the base path whose name is a non-negative integer
  (``00000123`` is version 123); other files and folders are ignored;
* the policy picks the versions to serve: the latest N (default 1), all, or specific ones;
* each version goes ``START`` → ``LOADING`` → ``AVAILABLE``, and ``UNLOADING`` → ``END`` when the
  policy drops it; a version that fails to load ends in ``END`` with its error in ``status``
  (and in the log), and does not stop the other versions from loading;
* an old version keeps answering until a version the policy wants is ``AVAILABLE`` (so a broken
  new version leaves the old one serving);
* ``Latest`` is the highest available version; a label names a version through the config.
"""

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from .config import ModelConfig
from .errors import ServingError, invalid, not_found
from .servable import Servable, load_error

__all__ = ["ServedModel", "VersionState", "version_folders"]

log = logging.getLogger("mlep.deployment.serving")


@dataclass
class VersionState:
    """One version's manager state and health, as ``GetModelStatus`` reports them."""

    state: str = "START"
    error_code: str = "OK"
    error_message: str = ""

    def as_json(self, version: int) -> dict:
        return {
            "version": str(version),
            "state": self.state,
            "status": {"error_code": self.error_code, "error_message": self.error_message},
        }


def version_folders(base_path: str | Path) -> dict[int, Path]:
    """Version number → folder, for every sub-folder named by a non-negative integer.

    Parameters
    ----------
    base_path : str or Path
        The model's base path (missing: no versions).
    """
    base = Path(base_path)
    if not base.is_dir():
        return {}
    found: dict[int, Path] = {}
    for path in sorted(base.iterdir()):
        if path.is_dir() and path.name.isascii() and path.name.isdigit():
            found.setdefault(int(path.name), path)
    return found


class ServedModel:
    """All versions of one configured model: loaded servables and every version's state.

    Parameters
    ----------
    config : ModelConfig
        The model's name, base path, version policy and labels.
    """

    def __init__(self, config: ModelConfig):
        self.config = config
        self.servables: dict[int, Servable] = {}
        self.states: dict[int, VersionState] = {}
        self.lock = threading.Lock()
        self._refreshing = threading.Lock()

    @property
    def versions(self) -> dict[int, Servable]:
        """The loaded (``AVAILABLE``) versions: version → servable (a copy)."""
        with self.lock:
            return dict(self.servables)

    def wanted(self, found: dict[int, Path]) -> list[int]:
        """The versions the policy serves among those ``found`` on disk."""
        versions = sorted(found)
        kind = self.config.policy[0]
        if kind == "all":
            return versions
        if kind == "specific":
            return [v for v in versions if v in self.config.policy[1]]
        return versions[-self.config.policy[1] :] if versions else []

    def refresh(self) -> None:
        """Load the wanted versions not tried yet; unload the others once that is safe."""
        with self._refreshing:
            found = version_folders(self.config.base_path)
            wanted = self.wanted(found)
            for version in wanted:
                if (
                    version not in self.states
                    or self.states[version].state == "END"
                    and (self.states[version].error_code == "OK")
                ):
                    self._load(version, found[version])
            with self.lock:
                ready = any(v in self.servables for v in wanted)
                if ready or not wanted:
                    for version in [v for v in self.servables if v not in wanted]:
                        self.states[version] = VersionState("UNLOADING")
                        del self.servables[version]
                        self.states[version] = VersionState("END")

    def _load(self, version: int, path: Path) -> None:
        with self.lock:
            self.states[version] = VersionState("START")
            self.states[version] = VersionState("LOADING")
        try:
            servable = Servable(self.config.name, version, path)
        except Exception as error:  # noqa: BLE001 - any failure is this version's status
            status = load_error(error)
            log.error("model %s version %s failed to load: %s", self.config.name, version, status)
            with self.lock:
                self.states[version] = VersionState("END", status.code, str(status))
            return
        with self.lock:  # the new version is complete before anyone sees it
            self.servables[version] = servable
            self.states[version] = VersionState("AVAILABLE")

    def resolve(self, version: int | None = None, label: str | None = None) -> Servable:
        """The servable a request names (TF Serving's errors when there is none)."""
        name = self.config.name
        if version is not None and label is not None:
            raise invalid(
                f"Both model version ({version}) and model version label ({label}) cannot be "
                "supplied."
            )
        if label is not None:
            if label not in self.config.labels:
                raise invalid(f"Unrecognized servable version label: {label}")
            version = self.config.labels[label]
        with self.lock:
            if version is None:
                if not self.servables:
                    raise not_found(f"Servable not found for request: Latest({name})")
                return self.servables[max(self.servables)]
            if version not in self.servables:
                raise not_found(f"Servable not found for request: Specific({name}, {version})")
            return self.servables[version]

    def status(self, version: int | None = None) -> dict:
        """``GetModelStatusResponse`` as JSON: every version the server has seen, newest first."""
        name = self.config.name
        with self.lock:
            if version is not None:
                if version not in self.states:
                    raise not_found(f"Could not find version {version} of model {name}")
                return {"model_version_status": [self.states[version].as_json(version)]}
            if not self.states:
                raise not_found(f"Could not find any versions of model {name}")
            return {
                "model_version_status": [
                    self.states[v].as_json(v) for v in sorted(self.states, reverse=True)
                ]
            }


def unknown_model(name: str, version: int | None, label: str | None) -> ServingError:
    """The error for a request to a model the server does not have."""
    if label is not None:
        return invalid(f"Unrecognized servable version label: {label}")
    if version is not None:
        return not_found(f"Servable not found for request: Specific({name}, {version})")
    return not_found(f"Servable not found for request: Latest({name})")
