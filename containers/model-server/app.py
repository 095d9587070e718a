"""The image's FastAPI app: the wine classifier behind mlep's pydantic-validated endpoint.

``uvicorn app:app --host 0.0.0.0 --port 8000`` serves ``POST /predict`` (one wine),
``POST /predict/batch`` (``{"instances": [...]}``), ``GET /health`` and the OpenAPI docs at
``/docs``. ``MODEL_DIR`` (default: ``model/`` beside this file) holds what ``train.py`` wrote.
"""

import json
import os
from pathlib import Path

import joblib

from mlep.deployment.serving import Feature, make_app

MODEL_DIR = Path(os.environ.get("MODEL_DIR", Path(__file__).resolve().parent / "model"))
LABELS = ["class_0", "class_1", "class_2"]


def build_app(model_dir: Path = MODEL_DIR):
    """The app for the model in ``model_dir`` (a joblib file this image made: trusted)."""
    model = joblib.load(model_dir / "wine.joblib")
    ranges = json.loads((model_dir / "features.json").read_text())
    features = {name: Feature(float, **bounds) for name, bounds in ranges.items()}
    return make_app(model, features, name="wine", max_batch_size=256, labels=LABELS)


app = build_app()
