"""A local model server that speaks TensorFlow Serving's REST and gRPC APIs.

TF Serving (``tensorflow_model_server``) is not installable from the package registries, so the
course ships this small server with the same REST API: a client written against it works
unchanged against a real TF Serving later (C4W1, *Model serving*).

* ``GET  /v1/models/{name}[/versions/{v} | /labels/{l}]`` — version status;
* ``GET  /v1/models/{name}[...]/metadata`` — signatures (inputs, outputs, dtypes, shapes);
* ``POST /v1/models/{name}[...]:predict`` — row format ``{"instances": [...]}`` or columnar
  ``{"inputs": ...}``; answers ``{"predictions": ...}`` or ``{"outputs": ...}``;
* ``POST ...:classify`` / ``...:regress`` — ``{"examples": [{feature: value}, ...], "context":
  {...}}``: each example (merged with the context) becomes a ``tf.Example`` fed to a signature
  whose method is classify or regress (its one string input, ``inputs``); answers
  ``{"results": ...}``.

Models are SavedModels in ``model_base_path/<version>/`` (``00000123`` is version 123), run as TF
Serving runs them: a session over the ``serve`` MetaGraph, inputs fed by tensor name, shapes left
to the graph (nothing else is ever loaded: no
pickles from request-controlled paths). A ``models.config`` file in TF Serving's own text
format (parsed with TF Serving's protos) serves several models with version policies and
labels. New version folders are loaded while the server runs (:class:`ModelServer` polls the
base paths), and old versions keep answering until the new one is ready. Requests can be
batched dynamically (``max_batch_size``, ``batch_timeout_ms``). Errors are TF-Serving-style
``{"error": "..."}`` with a 4xx status. The server binds 127.0.0.1 unless told otherwise.

The package's modules, one concern each: :mod:`~mlep.deployment.serving.config` (models.config,
export), :mod:`~mlep.deployment.serving.servable` (one loaded version),
:mod:`~mlep.deployment.serving.server` (models, versions, answers),
:mod:`~mlep.deployment.serving.versions` (version states, policies, labels),
:mod:`~mlep.deployment.serving.batching`, :mod:`~mlep.deployment.serving.json_tensor` and
:mod:`~mlep.deployment.serving.json_output`, :mod:`~mlep.deployment.serving.json_examples`
(TF Serving's JSON rules),
:mod:`~mlep.deployment.serving.rest` (HTTP), :mod:`~mlep.deployment.serving.grpc` (gRPC:
``PredictionService`` and ``ModelService`` with TF Serving's protos),
:mod:`~mlep.deployment.serving.running`,
:mod:`~mlep.deployment.serving.client`, :mod:`~mlep.deployment.serving.cli` and
:mod:`~mlep.deployment.serving.half_plus_two` (TF Serving's test model).

Beside it, :mod:`~mlep.deployment.serving.fastapi_app` (C4W2's FastAPI + pydantic pattern):
:func:`make_app` wraps any model with a ``predict`` in a FastAPI app whose pydantic model names
each feature with its type and range (``POST /predict``, ``POST /predict/batch``, ``GET
/health``; a bad request is a 422 naming the field); :func:`serve_app` runs it with uvicorn on
loopback, and ``containers/model-server/`` puts it in a container image.
"""

from .cli import main
from .client import ServingClient
from .config import ModelConfig, export_model, parse_model_config
from .errors import ServingError
from .fastapi_app import Feature, PredictionError, client_for, feature_model, make_app
from .grpc import RunningGrpcServer, serve_grpc
from .half_plus_two import build_half_plus_two
from .running import RunningServer, serve, serve_app
from .server import ModelServer

__all__ = [
    "Feature",
    "ModelConfig",
    "ModelServer",
    "PredictionError",
    "RunningGrpcServer",
    "RunningServer",
    "ServingClient",
    "ServingError",
    "build_half_plus_two",
    "client_for",
    "export_model",
    "feature_model",
    "main",
    "make_app",
    "parse_model_config",
    "serve",
    "serve_app",
    "serve_grpc",
]
