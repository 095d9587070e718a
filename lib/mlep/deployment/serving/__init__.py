"""TF Serving (``tensorflow_model_server``) is not installable from the package registries, so the
course ships this small server with the same REST API: a client written against it works
unchanged against a real TF Serving later (C4W1, *Model serving*).

* ``GET  /v1/models/{name}[/versions/{v} | /labels/{l}]`` — version status;
* ``GET  /v1/models/{name}[...]/metadata`` — signatures (inputs, outputs, dtypes, shapes);
* ``POST /v1/models/{name}[...]:predict`` — row format ``{"instances": [...]}`` or columnar
  ``{"inputs": ...}``; answers ``{"predictions": ...}`` or ``{"outputs": ...}``;
* ``POST ...:classify`` / ``...:regress`` — ``{"examples": [{feature: value}, ...]}`` for models
  whose ``serving_default`` takes named features; answers ``{"results": ...}``.

Models are SavedModels in ``model_base_path/<version>/`` (nothing else is ever loaded: no
pickles from request-controlled paths). A ``models.config`` file in TF Serving's own text
format (parsed with TF Serving's protos) serves several models with version policies and
labels. New version folders are loaded while the server runs (:class:`ModelServer` polls the
base paths), and old versions keep answering until the new one is ready. Requests can be
batched dynamically (``max_batch_size``, ``batch_timeout_ms``). Errors are TF-Serving-style
``{"error": "..."}`` with a 4xx status. The server binds 127.0.0.1 unless told otherwise.

The package's modules, one concern each: :mod:`~mlep.deployment.serving.config` (models.config,
export), :mod:`~mlep.deployment.serving.servable` (one loaded version),
:mod:`~mlep.deployment.serving.server` (models, versions, answers),
:mod:`~mlep.deployment.serving.batching`, :mod:`~mlep.deployment.serving.payload` (request
bodies), :mod:`~mlep.deployment.serving.rest` (HTTP), :mod:`~mlep.deployment.serving.running`,
:mod:`~mlep.deployment.serving.client` and :mod:`~mlep.deployment.serving.cli`.
"""

from .cli import main
from .client import ServingClient
from .config import ModelConfig, export_model, parse_model_config
from .errors import ServingError
from .running import RunningServer, serve
from .server import ModelServer

__all__ = [
    "ModelConfig",
    "ModelServer",
    "RunningServer",
    "ServingClient",
    "ServingError",
    "export_model",
    "main",
    "parse_model_config",
    "serve",
]
