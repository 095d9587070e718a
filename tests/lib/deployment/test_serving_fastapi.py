"""The FastAPI + pydantic prediction endpoint (C4W2): predictions equal the model's own, every
request that breaks the feature contract is a 422 naming the field, and the app runs under a real
uvicorn server on loopback."""

from __future__ import annotations

import json
import math

import httpx
import numpy as np
import pytest
from pydantic import BaseModel, Field
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlep.deployment import serving as S

X, Y = load_wine(return_X_y=True)
NAMES = [n.replace("/", "_") for n in load_wine().feature_names]
FEATURES = {
    name: S.Feature(float, ge=0, le=float(np.ceil(X[:, i].max() * 1.5)))
    for i, name in enumerate(NAMES)
}


class Counting:
    """A wine classifier that counts its calls and the rows it was given."""

    def __init__(self):
        self.model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, Y)
        self.calls: list[int] = []

    def predict(self, rows):
        self.calls.append(len(rows))
        return self.model.predict(rows)


@pytest.fixture(scope="module")
def model():
    return Counting()


@pytest.fixture(scope="module")
def client(model):
    return S.client_for(S.make_app(model, FEATURES, name="wine", max_batch_size=8))


def _example(i: int) -> dict:
    return dict(zip(NAMES, X[i].tolist()))


def test_one_example_is_answered_with_the_models_prediction(client, model):
    for i in (0, 70, 150):
        reply = client.post("/predict", json=_example(i))
        assert reply.status_code == 200, reply.text
        assert reply.json() == {"prediction": int(model.model.predict(X[i : i + 1])[0])}
    # a field order different from the schema's: columns still go in the schema's order
    shuffled = dict(reversed(list(_example(150).items())))
    assert client.post("/predict", json=shuffled).json()["prediction"] == int(
        model.model.predict(X[150:151])[0]
    )


def test_a_batch_is_one_model_call_answered_in_order(client, model):
    rows = [0, 60, 61, 130, 177]
    model.calls.clear()
    reply = client.post("/predict/batch", json={"instances": [_example(i) for i in rows]})
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"predictions": model.model.predict(X[rows]).tolist()}
    assert model.calls == [5]


def test_health_names_the_model_and_its_features(client):
    assert client.get("/health").json() == {"status": "ok", "model": "wine", "features": NAMES}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"alcohol": -1.0}, "alcohol", "greater than or equal to 0"),
        ({"proline": 1e6}, "proline", "less than or equal to"),
        ({"hue": "1.04"}, "hue", "valid number"),
        ({"hue": True}, "hue", "valid number"),
        ({"hue": None}, "hue", "valid number"),
        ({"hue": float("nan")}, "hue", "finite number"),
        ({"hue": float("-inf")}, "hue", "finite number"),
        ({"colour": 3.0}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_field_is_a_422_that_names_it(client, model, change, field, words):
    model.calls.clear()
    # json.dumps writes NaN and -Infinity (as Python's json.loads, and so Starlette, reads them)
    body = json.dumps({**_example(0), **change})
    reply = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 422
    body = reply.json()
    assert body["detail"][0]["loc"] == ["body", field]
    assert body["error"].startswith(f"{field}: ") and words in body["error"]
    assert model.calls == []  # the model never saw it


def test_a_missing_field_and_a_bad_body_are_422(client):
    example = _example(0)
    del example["magnesium"]
    reply = client.post("/predict", json=example)
    assert reply.status_code == 422 and reply.json()["error"] == "magnesium: Field required"
    reply = client.post(
        "/predict", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert reply.status_code == 422 and "JSON" in reply.json()["error"]


def test_the_bounds_are_inclusive(client):
    edge = {**_example(0), "alcohol": 0, "proline": FEATURES["proline"].le}
    assert client.post("/predict", json=edge).status_code == 200


def test_a_bad_batch_names_the_row_and_field(client):
    rows = [_example(0), {**_example(1), "hue": -0.5}]
    reply = client.post("/predict/batch", json={"instances": rows})
    assert reply.status_code == 422
    assert reply.json()["error"] == "instances.1.hue: Input should be greater than or equal to 0"
    assert client.post("/predict/batch", json={"instances": []}).status_code == 422
    too_many = client.post("/predict/batch", json={"instances": [_example(0)] * 9})
    assert too_many.status_code == 422 and too_many.json()["error"].startswith("instances: ")


def test_the_openapi_schema_publishes_the_ranges(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["wine"]
    assert schema["required"] == NAMES
    assert schema["additionalProperties"] is False
    assert schema["properties"]["alcohol"]["minimum"] == 0
    assert schema["properties"]["proline"]["maximum"] == FEATURES["proline"].le


def test_int_features_reject_fractions_and_labels_name_the_class():
    app = S.make_app(
        lambda rows: (rows[:, 0] > 2).astype(int),
        {"rooms": S.Feature(int, ge=1, le=20)},
        name="houses",
        labels=["small", "large"],
    )
    client = S.client_for(app)
    assert client.post("/predict", json={"rooms": 3}).json() == {"prediction": "large"}
    assert client.post(
        "/predict/batch", json={"instances": [{"rooms": 1}, {"rooms": 5}]}
    ).json() == {"predictions": ["small", "large"]}
    reply = client.post("/predict", json={"rooms": 2.5})
    assert reply.status_code == 422 and reply.json()["error"].startswith("rooms: ")


def test_a_hand_written_pydantic_model_is_a_schema():
    class Flower(BaseModel):
        petal_length: float = Field(ge=0, le=10)
        petal_width: float = Field(ge=0, le=5)

    client = S.client_for(S.make_app(lambda rows: rows[:, 0] * rows[:, 1], Flower, name="area"))
    assert math.isclose(
        client.post("/predict", json={"petal_length": 4, "petal_width": 1.5}).json()["prediction"],
        6,
    )
    reply = client.post("/predict", json={"petal_length": 4, "petal_width": 7})
    assert reply.status_code == 422 and reply.json()["error"].startswith("petal_width: ")


def test_a_model_answering_the_wrong_number_of_rows_is_an_error():
    client = S.client_for(S.make_app(lambda rows: np.zeros(len(rows) + 1), {"x": float}))
    with pytest.raises(S.PredictionError, match="one prediction per example"):
        client.post("/predict", json={"x": 1.0})
    quiet = S.client_for(
        S.make_app(lambda rows: np.zeros(len(rows) + 1), {"x": float}),
        raise_server_exceptions=False,
    )
    assert quiet.post("/predict", json={"x": 1.0}).status_code == 500


def test_labels_refuse_a_prediction_that_is_not_a_class_index():
    for answer in (3, 0.7, -1):
        app = S.make_app(
            lambda rows, a=answer: np.full(len(rows), a), {"x": float}, labels=["no", "yes"]
        )
        with pytest.raises(S.PredictionError, match="labels name 2 classes"):
            S.client_for(app).post("/predict", json={"x": 1.0})
    app = S.make_app(lambda rows: np.ones(len(rows)), {"x": float}, labels=["no", "yes"])
    assert S.client_for(app).post("/predict", json={"x": 1.0}).json() == {"prediction": "yes"}


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: S.Feature(str), TypeError, "dtype must be float or int"),
        (lambda: S.Feature(float, ge=5, le=1), ValueError, "ge must be at most le"),
        (lambda: S.Feature(float, ge="0"), TypeError, "ge must be a number"),
        (lambda: S.feature_model("Wine", {}), ValueError, "features must be a non-empty mapping"),
        (lambda: S.feature_model("Wine", {"od280/od315": float}), ValueError, "Python identifiers"),
        (
            lambda: S.feature_model("Wine", {"a": "float"}),
            TypeError,
            r"features\['a'\] must be a Feature",
        ),
        (lambda: S.make_app(object(), {"a": float}), TypeError, "model must have a predict method"),
        (lambda: S.make_app(len, [("a", float)]), TypeError, "schema must be a pydantic BaseModel"),
        (
            lambda: S.make_app(len, {"a": float}, max_batch_size=0),
            ValueError,
            "max_batch_size must be",
        ),
    ],
)
def test_bad_arguments_say_what_to_change(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_the_app_answers_over_real_http_on_loopback(model):
    app = S.make_app(model, FEATURES, name="wine")
    running = S.serve_app(app, port=0)
    try:
        assert running.url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=running.url, timeout=30) as http:
            assert http.get("/health").json()["status"] == "ok"
            reply = http.post(
                "/predict",
                content=json.dumps(_example(100)),
                headers={"content-type": "application/json"},
            )
            assert reply.json() == {"prediction": int(model.model.predict(X[100:101])[0])}
            bad = http.post("/predict", json={**_example(100), "ash": -3})
            assert bad.status_code == 422 and bad.json()["error"].startswith("ash: ")
    finally:
        running.stop()
    assert not running._thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(running.url + "/health", timeout=5)
