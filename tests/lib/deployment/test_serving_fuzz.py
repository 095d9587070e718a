"""Property-based fuzzing of the model server's REST API (hypothesis, seeded and bounded).

Random and malformed bodies, headers, methods and URLs, sent over real HTTP to one server (with
dynamic batching on, so the batched path is fuzzed too). Whatever arrives, the server never
answers 5xx, and every error is a JSON object ``{"error": "<text>"}``; a 200 is a JSON object.
"""

from __future__ import annotations

import gzip
import json

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mlep.deployment import serving as S

FUZZ = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _typed_model(path):
    from mlep.runtime import tensorflow

    tf = tensorflow()

    class Typed(tf.Module):
        @tf.function(
            input_signature=[
                tf.TensorSpec([None], tf.string, name="text"),
                tf.TensorSpec([None, 2], tf.int32, name="count"),
                tf.TensorSpec([None], tf.bool, name="flag"),
            ]
        )
        def serve(self, text, count, flag):
            return {
                "length": tf.strings.length(text),
                "total": tf.reduce_sum(count, axis=1),
                "flag": tf.logical_not(flag),
                "text_bytes": text,
            }

    module = Typed()
    tf.saved_model.save(module, str(path), signatures={"serving_default": module.serve})


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    S.build_half_plus_two(root / "half_plus_two", 123)
    _typed_model(root / "typed" / "1")
    configs = [
        S.ModelConfig("half_plus_two", str(root / "half_plus_two"), labels={"stable": 123}),
        S.ModelConfig("typed", str(root / "typed")),
    ]
    server = S.ModelServer(
        configs, poll_seconds=0, max_batch_size=8, batch_timeout_ms=1, max_body_bytes=256_000
    )
    with S.serve(server, port=0) as running, httpx.Client(base_url=running.url, timeout=30) as http:
        yield http


def _check(answer: httpx.Response) -> None:
    event(f"HTTP {answer.status_code}")
    assert answer.status_code < 500, answer.text
    assert answer.headers["content-type"] == "application/json"
    payload = json.loads(answer.text)  # NaN/Infinity tokens are allowed, as in TF Serving
    assert isinstance(payload, dict)
    if answer.status_code >= 400:
        assert list(payload) == ["error"] and isinstance(payload["error"], str), payload
        assert payload["error"]


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.fixed_dictionaries({"b64": st.text(max_size=12)})
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=24,
)
_names = st.sampled_from(["x", "text", "count", "flag", "y", "inputs", "b64", ""])
_tensor_like = st.recursive(
    _scalars, lambda inner: st.lists(inner, min_size=1, max_size=3), max_leaves=12
)
_bodies = st.fixed_dictionaries(
    {},
    optional={
        "instances": _values
        | st.lists(_tensor_like | st.dictionaries(_names, _tensor_like), max_size=4),
        "inputs": _values | st.dictionaries(_names, _tensor_like, max_size=4),
        "signature_name": st.sampled_from(
            ["", "serving_default", "regress_x_to_y", "classify_x_to_y"]
        )
        | _values,
        "examples": st.lists(st.dictionaries(_names, _values, max_size=3) | _values, max_size=3)
        | _values,
        "context": st.dictionaries(_names, _values, max_size=3) | _values,
    },
)
_paths = st.sampled_from(
    [
        "half_plus_two:predict",
        "half_plus_two:regress",
        "half_plus_two:classify",
        "half_plus_two/versions/123:predict",
        "half_plus_two/labels/stable:predict",
        "half_plus_two/labels/beta:regress",
        "typed:predict",
        "typed:classify",
        "nope:predict",
    ]
)


@FUZZ
@given(path=_paths, body=_bodies)
def test_random_request_bodies_never_get_a_5xx(client, path, body):
    text = json.dumps(body, allow_nan=True)
    _check(client.post(f"/v1/models/{path}", content=text))


@FUZZ
@given(path=_paths, raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_never_get_a_5xx(client, path, raw):
    _check(client.post(f"/v1/models/{path}", content=raw))


_segment = st.text(alphabet="abcxyz0123456789:/%._-~!é ", max_size=12)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
    prefix=st.sampled_from(
        ["/v1/models/", "/v1/models", "/v1/", "/V1/MODELS/", "/", "/v2/models/"]
    ),
    parts=st.lists(
        st.sampled_from(
            ["half_plus_two", "typed", "versions", "labels", "123", "metadata", ":predict"]
        )
        | _segment,
        max_size=5,
    ),
    encoding=st.sampled_from([None, "gzip", "identity", "br", "GZIP"]),
    request_id=st.none() | st.text(alphabet="abc-_0123456789", max_size=20),
    compress=st.booleans(),
    body=_bodies,
)
def test_random_urls_methods_and_headers_never_get_a_5xx(
    client, method, prefix, parts, encoding, request_id, compress, body
):
    path = prefix + "/".join(parts).replace("/:", ":")
    content = json.dumps(body, allow_nan=True).encode()
    if compress:
        content = gzip.compress(content)
    headers = {}
    if encoding:
        headers["Content-Encoding"] = encoding
    if request_id is not None:
        headers["X-Request-Id"] = request_id
    try:
        request = client.build_request(method, path, content=content, headers=headers)
    except (httpx.InvalidURL, ValueError):
        return  # not a URL an HTTP client can send
    _check(client.send(request))


_leaf = _scalars | st.floats(width=32) | st.integers(min_value=-3, max_value=3)


@FUZZ
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {"text": _leaf, "count": st.lists(_leaf, min_size=2, max_size=2), "flag": _leaf}
        ),
        min_size=1,
        max_size=4,
    ),
    columnar=st.booleans(),
    floats=st.lists(_leaf | st.lists(_leaf, min_size=1, max_size=1), min_size=1, max_size=6),
)
def test_nearly_valid_requests_reach_the_models_and_never_get_a_5xx(client, rows, columnar, floats):
    if columnar:
        body = {"inputs": {k: [r[k] for r in rows] for k in ("text", "count", "flag")}}
    else:
        body = {"instances": rows}
    _check(client.post("/v1/models/typed:predict", content=json.dumps(body, allow_nan=True)))
    _check(
        client.post("/v1/models/half_plus_two:predict", content=json.dumps({"instances": floats}))
    )
