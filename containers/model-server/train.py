"""Train the wine classifier the image serves and write it to model/ (run at build time).

The model: scikit-learn's copy of the UCI wine data (178 wines, 13 chemical measurements, 3
cultivars), standardised and fed to a logistic regression. ``model/features.json`` holds the
contract the endpoint enforces: every measurement between 0 and 1.5 times its largest value in
the training data.
"""

import json
import math
from pathlib import Path

import joblib
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MODEL_DIR = Path(__file__).resolve().parent / "model"


def feature_names() -> list[str]:
    """The wine features as Python identifiers (``od280/od315_...`` has a slash)."""
    return [name.replace("/", "_") for name in load_wine().feature_names]


def train(model_dir: Path = MODEL_DIR) -> Path:
    """Fit the classifier and write ``wine.joblib`` and ``features.json`` to ``model_dir``."""
    X, y = load_wine(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, model_dir / "wine.joblib")
    ranges = {name: {"ge": 0.0, "le": float(math.ceil(1.5 * X[:, i].max()))}
              for i, name in enumerate(feature_names())}
    (model_dir / "features.json").write_text(json.dumps(ranges, indent=1))
    return model_dir


if __name__ == "__main__":
    print(f"trained the wine classifier into {train()}")
