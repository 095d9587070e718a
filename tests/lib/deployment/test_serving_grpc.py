"""The model server's gRPC API, called with TF Serving's official client stubs
(``prediction_service_pb2_grpc``, ``model_service_pb2_grpc``) as its own example clients call it:
the same answers as REST on the same models, versions and labels; TF Serving's status codes and
messages for bad requests (never UNKNOWN or INTERNAL); classify/regress through tf.Example;
MultiInference; metadata; status; config reloads; concurrent calls; loopback by default."""

from __future__ import annotations

import concurrent.futures
import socket
import subprocess
import sys
import time

import grpc
import httpx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlep.deployment import serving as S
from mlep.deployment.serving import grpc as G

CLASSIFY, REGRESS = "tensorflow/serving/classify", "tensorflow/serving/regress"
WEIGHTS = {1: [1.0, 2.0, 3.0], 2: [-1.0, 0.5, 0.25]}


def _tf():
    from mlep.runtime import tensorflow

    return tensorflow()


def _risk_module(weights):
    """features [None, 3] float32 -> risk [None] float32, high [None] bool, tag [None] string."""
    tf = _tf()

    class Risk(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(weights, dtype=tf.float32)

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="features")])
        def serve(self, features):
            risk = tf.linalg.matvec(features, self.w)
            high = risk >= 1.0
            return {"risk": risk, "high": high, "tag": tf.where(high, "high", "low")}

    return Risk()


def _risk(version: int, rows) -> np.ndarray:
    return (np.asarray(rows, np.float32) @ np.asarray(WEIGHTS[version], np.float32)).astype(
        np.float32
    )


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    root = tmp_path_factory.mktemp("grpc-models")
    S.build_half_plus_two(root / "hp2", version=123)
    for version, weights in WEIGHTS.items():
        S.export_model(_risk_module(weights), root / "risk", version)
    return root


@pytest.fixture(scope="module")
def running(bases):
    """One model server (batching on), answering over REST and gRPC."""
    models = [
        S.ModelConfig("hp2", str(bases / "hp2")),
        S.ModelConfig("risk", str(bases / "risk"), ("all",), {"stable": 1, "canary": 2}),
    ]
    server = S.ModelServer(models, poll_seconds=0, max_batch_size=8, batch_timeout_ms=2)
    rest = S.serve(server, port=0)
    rpc = G.serve_grpc(server, port=0)
    channel = grpc.insecure_channel(rpc.address)
    try:
        yield server, rest.url, rpc, channel
    finally:
        channel.close()
        rpc.stop()
        rest.stop()


@pytest.fixture(scope="module")
def stub(running):
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    return prediction_service_pb2_grpc.PredictionServiceStub(running[3])


@pytest.fixture(scope="module")
def model_stub(running):
    from tensorflow_serving.apis import model_service_pb2_grpc

    return model_service_pb2_grpc.ModelServiceStub(running[3])


def _predict_request(name, inputs=None, *, version=None, label=None, signature=None):
    """A PredictRequest as TF Serving's clients build one (tf.make_tensor_proto)."""
    from tensorflow_serving.apis import predict_pb2

    tf = _tf()
    request = predict_pb2.PredictRequest()
    request.model_spec.name = name
    if version is not None:
        request.model_spec.version.value = version
    if label is not None:
        request.model_spec.version_label = label
    if signature is not None:
        request.model_spec.signature_name = signature
    for alias, value in (inputs or {}).items():
        request.inputs[alias].CopyFrom(tf.make_tensor_proto(value))
    return request


def _outputs(response) -> dict[str, np.ndarray]:
    tf = _tf()
    return {alias: tf.make_ndarray(proto) for alias, proto in response.outputs.items()}


def _error(call, request) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, timeout=60)
    return caught.value


# -- Predict --------------------------------------------------------------------------------


def test_predict_answers_as_rest_and_as_tf_serving_on_half_plus_two(running, stub):
    _, url, _, _ = running
    x = np.array([[1.0], [2.0], [5.0]], np.float32)
    response = stub.Predict(_predict_request("hp2", {"x": x}), timeout=60)
    assert response.model_spec.name == "hp2"
    assert response.model_spec.version.value == 123
    assert response.model_spec.signature_name == "serving_default"
    y = response.outputs["y"]
    # TF Serving's default answer: typed fields (AsProtoField), not tensor_content
    assert list(y.float_val) == [2.5, 3.0, 4.5] and not y.tensor_content
    assert [d.size for d in y.tensor_shape.dim] == [3, 1]
    rest = httpx.post(f"{url}/v1/models/hp2:predict", json={"instances": x.tolist()}).json()
    assert _outputs(response)["y"].tolist() == rest["predictions"]
    # TF Serving leaves shapes to the graph: a scalar works (predict_util_test's PredictionSuccess)
    scalar = stub.Predict(_predict_request("hp2", {"x": np.float32(2.0)}), timeout=60)
    assert list(scalar.outputs["y"].float_val) == [3.0] and not scalar.outputs["y"].tensor_shape.dim


def test_predict_on_other_signatures_as_predict_util_test_does(stub):
    request = _predict_request("hp2", {"inputs": np.float32(2.0)}, signature="regress_x2_to_y3")
    response = stub.Predict(request, timeout=60)
    assert response.model_spec.signature_name == "regress_x2_to_y3"
    assert list(response.outputs["outputs"].float_val) == [4.0]


@pytest.mark.parametrize(
    ("spec", "version"),
    [({}, 2), ({"version": 1}, 1), ({"label": "stable"}, 1), ({"label": "canary"}, 2)],
)
def test_versions_and_labels_select_the_same_model_as_rest(running, stub, spec, version):
    _, url, _, _ = running
    rows = np.array([[0.5, 1.0, -2.0], [3.0, 0.0, 1.0]], np.float32)
    response = stub.Predict(_predict_request("risk", {"features": rows}, **spec), timeout=60)
    assert response.model_spec.version.value == version
    got = _outputs(response)
    assert np.allclose(got["risk"], _risk(version, rows))
    assert (
        got["high"].dtype == bool and got["high"].tolist() == (_risk(version, rows) >= 1).tolist()
    )
    assert got["tag"].tolist() == [b"high" if h else b"low" for h in got["high"]]
    path = {"version": f"/versions/{version}", "label": f"/labels/{spec.get('label')}"}
    suffix = next((path[k] for k in spec), "")
    rest = httpx.post(
        f"{url}/v1/models/risk{suffix}:predict", json={"instances": rows.tolist()}
    ).json()["predictions"]
    for row, answer in zip(range(len(rows)), rest):
        assert answer["risk"] == pytest.approx(float(got["risk"][row]))
        assert answer["high"] == bool(got["high"][row])
        assert answer["tag"] == got["tag"][row].decode()


def test_output_filter_returns_only_the_asked_outputs(stub):
    request = _predict_request("risk", {"features": np.ones((2, 3), np.float32)}, version=1)
    request.output_filter.append("tag")
    response = stub.Predict(request, timeout=60)
    assert list(response.outputs) == ["tag"]
    assert list(response.outputs["tag"].string_val) == [b"high", b"high"]


def _with(request, change):
    change(request)
    return request


BAD_PREDICTS = {
    "no model spec": (
        lambda: _with(_predict_request("hp2"), lambda r: r.ClearField("model_spec")),
        "INVALID_ARGUMENT",
        "Missing ModelSpec",
    ),
    "no model name": (
        lambda: _predict_request("", {"x": np.ones((1, 1), np.float32)}),
        "INVALID_ARGUMENT",
        "ModelSpec has no name specified.",
    ),
    "unknown model": (
        lambda: _predict_request("nope", {"x": np.ones((1, 1), np.float32)}),
        "NOT_FOUND",
        "Servable not found for request: Latest(nope)",
    ),
    "unknown version": (
        lambda: _predict_request("hp2", {"x": np.ones((1, 1), np.float32)}, version=7),
        "NOT_FOUND",
        "Servable not found for request: Specific(hp2, 7)",
    ),
    "unknown label": (
        lambda: _predict_request("risk", {"features": np.ones((1, 3), np.float32)}, label="beta"),
        "INVALID_ARGUMENT",
        "Unrecognized servable version label: beta",
    ),
    "unknown signature": (
        lambda: _predict_request("hp2", {"x": np.ones((1, 1), np.float32)}, signature="nosig"),
        "FAILED_PRECONDITION",
        'Serving signature key "nosig" not found.',
    ),
    "no inputs": (
        lambda: _predict_request("hp2"),
        "INVALID_ARGUMENT",
        "input size does not match signature: 0!=1 len({}) != len({x}). Sent extra: {}. "
        "Missing but required: {x}.",
    ),
    "extra inputs": (
        lambda: _predict_request("hp2", {"x": np.ones((1, 1), np.float32), "z": np.ones(1)}),
        "INVALID_ARGUMENT",
        "Sent extra: {z}. Missing but required: {}.",
    ),
    "wrong dtype": (
        lambda: _predict_request("hp2", {"x": np.array([b"any_value"])}),
        "INVALID_ARGUMENT",
        "Expects arg[0] to be float but string is provided",
    ),
    "int for float": (
        lambda: _predict_request("hp2", {"x": np.array([[1]], np.int32)}),
        "INVALID_ARGUMENT",
        "Expects arg[0] to be float but int32 is provided",
    ),
    "more values than the shape": (
        lambda: _with(
            _predict_request("hp2", {"x": np.array([1.0, 2.0], np.float32)}),
            lambda r: r.inputs["x"].tensor_shape.dim[0].__setattr__("size", 1),
        ),
        "INVALID_ARGUMENT",
        "tensor parsing error: x",
    ),
    "negative dimension": (
        lambda: _with(
            _predict_request("hp2", {"x": np.array([1.0], np.float32)}),
            lambda r: r.inputs["x"].tensor_shape.dim[0].__setattr__("size", -3),
        ),
        "INVALID_ARGUMENT",
        "tensor parsing error: x",
    ),
    "a shape too large to allocate": (
        lambda: _with(
            _predict_request("hp2", {"x": np.array([1.0], np.float32)}),
            lambda r: r.inputs["x"].tensor_shape.dim[0].__setattr__("size", 10**15),
        ),
        "INVALID_ARGUMENT",
        "tensor parsing error: x",
    ),
    "unknown output filter": (
        lambda: _with(
            _predict_request("hp2", {"x": np.ones((1, 1), np.float32)}),
            lambda r: r.output_filter.append("output_filter"),
        ),
        "INVALID_ARGUMENT",
        "output tensor alias not found in signature: output_filter",
    ),
    "duplicate output filter": (
        lambda: _with(
            _predict_request("hp2", {"x": np.ones((1, 1), np.float32)}),
            lambda r: r.output_filter.extend(["y", "y"]),
        ),
        "INVALID_ARGUMENT",
        "duplicate output tensor alias: y",
    ),
    "a shape the graph cannot take": (
        lambda: _predict_request("risk", {"features": np.ones((2, 7), np.float32)}),
        "INVALID_ARGUMENT",
        "",
    ),
}


@pytest.mark.parametrize("case", list(BAD_PREDICTS))
def test_bad_predict_requests_get_tf_servings_code_and_message(stub, case):
    build, code, message = BAD_PREDICTS[case]
    error = _error(stub.Predict, build())
    assert error.code() == getattr(grpc.StatusCode, code), error.details()
    assert message in error.details()


def test_a_bad_request_in_a_batch_fails_alone(running, stub):
    server = running[0]
    good = [np.full((1, 3), i, np.float32) for i in range(24)]
    bad = [np.ones((1, 5), np.float32), np.array([[b"x", b"y", b"z"]])]
    requests = [_predict_request("risk", {"features": rows}, version=2) for rows in good + bad]
    before = server.batches_run
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(stub.Predict, r, timeout=120) for r in requests]
        results = [f.exception() or f.result() for f in futures]
    for rows, result in zip(good, results):
        assert not isinstance(result, Exception), result
        assert np.allclose(_outputs(result)["risk"], _risk(2, rows))
    assert all(r.code() == grpc.StatusCode.INVALID_ARGUMENT for r in results[len(good) :])
    assert server.batches_run > before  # the requests went through the batcher


def test_many_concurrent_calls_each_get_their_own_answer(stub):
    rows = [np.array([[i, i / 2, -i]], np.float32) for i in range(64)]
    futures = [
        stub.Predict.future(_predict_request("risk", {"features": r}, label="stable"), timeout=120)
        for r in rows
    ]
    for r, future in zip(rows, futures):
        response = future.result()
        assert response.model_spec.version.value == 1
        assert np.allclose(_outputs(response)["risk"], _risk(1, r))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dtype=st.integers(0, 30),
    dims=st.lists(st.integers(-2, 4), max_size=3),
    floats=st.lists(st.floats(allow_nan=True, width=32), max_size=6),
    ints=st.lists(st.integers(-(2**31), 2**31 - 1), max_size=6),
    content=st.binary(max_size=24),
    name=st.sampled_from(["x", "y", ""]),
)
def test_random_tensor_protos_never_get_unknown_or_internal(
    stub, dtype, dims, floats, ints, content, name
):
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = "hp2"
    proto = request.inputs[name]
    proto.dtype = dtype
    for size in dims:
        proto.tensor_shape.dim.add(size=size)
    proto.float_val.extend(floats)
    proto.int_val.extend(ints)
    if content:
        proto.tensor_content = content
    try:
        stub.Predict(request, timeout=60)
    except grpc.RpcError as error:
        assert error.code() in (
            grpc.StatusCode.INVALID_ARGUMENT,
            grpc.StatusCode.FAILED_PRECONDITION,
        ), (error.code(), error.details())


# -- Classify, Regress, MultiInference ------------------------------------------------------


def _examples(request, rows, context=None):
    group = request.input.example_list_with_context if context else request.input.example_list
    if context:
        for key, value in context.items():
            group.context.features.feature[key].float_list.value.append(value)
    for row in rows:
        example = group.examples.add()
        for key, value in row.items():
            example.features.feature[key].float_list.value.append(value)
    return request


def test_regress_and_classify_feed_tf_examples_as_rest_does(running, stub):
    from tensorflow_serving.apis import classification_pb2, regression_pb2

    _, url, _, _ = running
    rows, context = [{"x2": 1.0}, {"x": 10.0}], {"x": 4.0}
    request = regression_pb2.RegressionRequest()
    request.model_spec.name = "hp2"
    request.model_spec.signature_name = "regress_x_to_y"
    response = stub.Regress(_examples(request, rows, context), timeout=60)
    assert [r.value for r in response.result.regressions] == [4.0, 7.0]  # example's x wins
    assert response.model_spec.signature_name == "regress_x_to_y"
    assert response.model_spec.version.value == 123
    body = {"signature_name": "regress_x_to_y", "context": context, "examples": rows}
    assert httpx.post(f"{url}/v1/models/hp2:regress", json=body).json() == {"results": [4.0, 7.0]}

    request = classification_pb2.ClassificationRequest()
    request.model_spec.name = "hp2"
    request.model_spec.signature_name = "classify_x_to_y"
    response = stub.Classify(_examples(request, [{"x": 2.0}, {"x": -4.0}]), timeout=60)
    scores = [[c.score for c in row.classes] for row in response.result.classifications]
    assert scores == [[3.0], [0.0]]
    assert all(not c.label for row in response.result.classifications for c in row.classes)
    body = {"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}, {"x": -4.0}]}
    rest = httpx.post(f"{url}/v1/models/hp2:classify", json=body).json()["results"]
    assert [[pair[-1] for pair in row] for row in rest] == scores


BAD_EXAMPLES = {
    "predict signature": (
        "Classify",
        "serving_default",
        [{"x": 1.0}],
        "INVALID_ARGUMENT",
        "Expected classification signature method_name to be "
        "tensorflow/serving/classify. Was: tensorflow/serving/predict",
    ),
    "unknown signature": (
        "Regress",
        "nosig",
        [{"x": 1.0}],
        "INVALID_ARGUMENT",
        "No signature was found with the name: nosig",
    ),
    "regress on classify": (
        "Regress",
        "classify_x_to_y",
        [{"x": 1.0}],
        "INVALID_ARGUMENT",
        "Expected regression signature method_name to be "
        "tensorflow/serving/regress. Was: tensorflow/serving/classify",
    ),
    "no examples": ("Regress", "regress_x_to_y", [], "INVALID_ARGUMENT", "Input is empty."),
    "missing required feature": (
        "Regress",
        "regress_x_to_y",
        [{"x2": 1.0}],
        "INVALID_ARGUMENT",
        "",
    ),
}


@pytest.mark.parametrize("case", list(BAD_EXAMPLES))
def test_bad_classify_and_regress_requests(stub, case):
    from tensorflow_serving.apis import classification_pb2, regression_pb2

    method, signature, rows, code, message = BAD_EXAMPLES[case]
    kind = (
        classification_pb2.ClassificationRequest
        if method == "Classify"
        else regression_pb2.RegressionRequest
    )
    request = kind()
    request.model_spec.name = "hp2"
    request.model_spec.signature_name = signature
    error = _error(getattr(stub, method), _examples(request, rows))
    assert error.code() == getattr(grpc.StatusCode, code), error.details()
    assert message in error.details()
    error = _error(getattr(stub, method), kind())
    assert (error.code(), error.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "Missing ModelSpec",
    )


def _multi(tasks, rows):
    from tensorflow_serving.apis import inference_pb2

    request = inference_pb2.MultiInferenceRequest()
    for name, signature, method in tasks:
        task = request.tasks.add()
        task.model_spec.name = name
        task.model_spec.signature_name = signature
        task.method_name = method
    return _examples(request, rows)


def test_multi_inference_answers_each_task_as_its_own_call_would(stub):
    rows = [{"x": 3.0}, {"x": 1.0, "x2": 2.0}]
    tasks = [
        ("hp2", "regress_x_to_y", REGRESS),
        ("hp2", "regress_x_to_y2", REGRESS),
        ("hp2", "classify_x_to_y", CLASSIFY),
    ]
    response = stub.MultiInference(_multi(tasks, rows), timeout=60)
    assert [r.model_spec.signature_name for r in response.results] == [t[1] for t in tasks]
    assert all(r.model_spec.version.value == 123 for r in response.results)
    assert [v.value for v in response.results[0].regression_result.regressions] == [3.5, 2.5]
    assert [v.value for v in response.results[1].regression_result.regressions] == [4.5, 3.5]
    scores = [
        [c.score for c in row.classes]
        for row in response.results[2].classification_result.classifications
    ]
    assert scores == [[3.5], [2.5]]


BAD_MULTI = {
    "no task": ([], "INVALID_ARGUMENT", "ModelSpec has no name specified."),
    "two models": (
        [("hp2", "regress_x_to_y", REGRESS), ("risk", "regress_x_to_y2", REGRESS)],
        "INVALID_ARGUMENT",
        "must access the same model name",
    ),
    "same signature twice": (
        [("hp2", "regress_x_to_y", REGRESS), ("hp2", "regress_x_to_y", REGRESS)],
        "INVALID_ARGUMENT",
        "Duplicate evaluation of signature: regress_x_to_y",
    ),
    "unknown signature": (
        [("hp2", "nosig", REGRESS)],
        "INVALID_ARGUMENT",
        "Requested signature not found in model graph: nosig",
    ),
    "predict method": (
        [("hp2", "serving_default", "tensorflow/serving/predict")],
        "UNIMPLEMENTED",
        "Unsupported signature method_name: tensorflow/serving/predict",
    ),
    "other input tensor": (
        [("hp2", "regress_x_to_y", REGRESS), ("hp2", "regress_x2_to_y3", REGRESS)],
        "INVALID_ARGUMENT",
        "Input tensor must be the same for all Signatures.",
    ),
}


@pytest.mark.parametrize("case", list(BAD_MULTI))
def test_bad_multi_inference_requests(stub, case):
    tasks, code, message = BAD_MULTI[case]
    error = _error(stub.MultiInference, _multi(tasks, [{"x": 1.0}]))
    assert error.code() == getattr(grpc.StatusCode, code), error.details()
    assert message in error.details()


# -- metadata and status --------------------------------------------------------------------


def test_metadata_holds_the_same_signature_defs_as_rest(running, stub):
    from google.protobuf import json_format
    from tensorflow_serving.apis import get_model_metadata_pb2

    _, url, _, _ = running
    request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
    request.model_spec.name = "risk"
    request.model_spec.version_label = "stable"
    response = stub.GetModelMetadata(request, timeout=60)
    assert (response.model_spec.name, response.model_spec.version.value) == ("risk", 1)
    assert not response.model_spec.signature_name
    defs = get_model_metadata_pb2.SignatureDefMap()
    assert response.metadata["signature_def"].Unpack(defs)
    rest = httpx.get(f"{url}/v1/models/risk/versions/1/metadata").json()
    as_json = json_format.MessageToDict(
        defs, including_default_value_fields=True, preserving_proto_field_name=True
    )
    assert as_json == rest["metadata"]["signature_def"]
    assert defs.signature_def["serving_default"].inputs["features"].dtype == 1  # DT_FLOAT


@pytest.mark.parametrize(
    ("fields", "name", "code", "message"),
    [
        (
            [],
            "risk",
            "INVALID_ARGUMENT",
            "GetModelMetadataRequest must specify at least one metadata_field",
        ),
        (["signature_def", "graph"], "risk", "INVALID_ARGUMENT", "is not supported"),
        (["signature_def"], "nope", "NOT_FOUND", "Servable not found for request: Latest(nope)"),
    ],
)
def test_bad_metadata_requests(stub, fields, name, code, message):
    from tensorflow_serving.apis import get_model_metadata_pb2

    request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=fields)
    request.model_spec.name = name
    error = _error(stub.GetModelMetadata, request)
    assert error.code() == getattr(grpc.StatusCode, code) and message in error.details()


def test_status_is_rests_status_as_a_proto(running, model_stub):
    from google.protobuf import json_format
    from tensorflow_serving.apis import get_model_status_pb2

    _, url, _, _ = running
    request = get_model_status_pb2.GetModelStatusRequest()
    request.model_spec.name = "risk"
    response = model_stub.GetModelStatus(request, timeout=60)
    assert [(v.version, v.state) for v in response.model_version_status] == [(2, 30), (1, 30)]
    rest = httpx.get(f"{url}/v1/models/risk").json()
    assert (
        json_format.MessageToDict(response, preserving_proto_field_name=True)[
            "model_version_status"
        ][0]["version"]
        == rest["model_version_status"][0]["version"]
    )
    request.model_spec.version.value = 5
    error = _error(model_stub.GetModelStatus, request)
    assert (error.code(), error.details()) == (
        grpc.StatusCode.NOT_FOUND,
        "Could not find version 5 of model risk",
    )
    error = _error(model_stub.GetModelStatus, get_model_status_pb2.GetModelStatusRequest())
    assert (error.code(), error.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "Missing ModelSpec",
    )


# -- reloading the config -------------------------------------------------------------------


def _reload(model_stub, text):
    from google.protobuf import text_format
    from tensorflow_serving.apis import model_management_pb2

    request = model_management_pb2.ReloadConfigRequest()
    text_format.Parse(text, request.config)
    return model_stub.HandleReloadConfigRequest(request, timeout=120)


def test_reload_config_adds_changes_and_removes_models(bases):
    from tensorflow_serving.apis import model_service_pb2_grpc, prediction_service_pb2_grpc

    server = S.ModelServer([S.ModelConfig("risk", str(bases / "risk"))], poll_seconds=0)
    with G.serve_grpc(server, port=0) as rpc, grpc.insecure_channel(rpc.address) as channel:
        models = model_service_pb2_grpc.ModelServiceStub(channel)
        predict = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        hp2 = f'config {{ name: "hp2" base_path: "{bases / "hp2"}" model_platform: "tensorflow" }}'
        risk = (
            f'config {{ name: "risk" base_path: "{bases / "risk"}" model_platform: "tensorflow" '
            "model_version_policy { all {} } }"
        )
        answer = _reload(models, f"model_config_list {{ {risk} {hp2} }}")
        assert answer.status.error_code == 0 and not answer.status.error_message
        x = {"x": np.ones((1, 1), np.float32)}
        assert list(
            predict.Predict(_predict_request("hp2", x), timeout=60).outputs["y"].float_val
        ) == [2.5]
        one = _predict_request("risk", {"features": np.ones((1, 3), np.float32)}, version=1)
        assert predict.Predict(one, timeout=60).model_spec.version.value == 1  # policy: all
        # a label on a version that is available now is accepted; then risk is removed
        labelled = risk[:-1] + 'version_labels { key: "stable" value: 1 } }'
        _reload(models, f"model_config_list {{ {labelled} {hp2} }}")
        stable = _predict_request("risk", {"features": np.ones((1, 3), np.float32)}, label="stable")
        assert predict.Predict(stable, timeout=60).model_spec.version.value == 1
        _reload(models, f"model_config_list {{ {hp2} }}")
        error = _error(predict.Predict, one)
        assert error.code() == grpc.StatusCode.NOT_FOUND
        from tensorflow_serving.apis import get_model_status_pb2

        status = models.GetModelStatus(
            get_model_status_pb2.GetModelStatusRequest(model_spec={"name": "risk"}), timeout=60
        )
        assert {v.state for v in status.model_version_status} == {50}  # END


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "INVALID_ARGUMENT", "Only ModelConfigList is currently supported"),
        (
            'model_config_list { config { name: "a" base_path: "/m" model_platform: "tensorflow" } '
            'config { name: "a" base_path: "/m" model_platform: "tensorflow" } }',
            "INVALID_ARGUMENT",
            "Illegal to list model a multiple times in config list",
        ),
        (
            'model_config_list { config { name: "a" base_path: "models/a" '
            'model_platform: "tensorflow" } }',
            "INVALID_ARGUMENT",
            "Expected model a to have an absolute path or URI; got base_path()=models/a",
        ),
        (
            'model_config_list { config { name: "a" base_path: "/m" model_platform: "pytorch" } }',
            "INVALID_ARGUMENT",
            "Model a requests unsupported platform pytorch",
        ),
        (
            'model_config_list { config { name: "risk" base_path: "/m" '
            'model_platform: "tensorflow" '
            'version_labels { key: "canary" value: 9 } } }',
            "FAILED_PRECONDITION",
            "Request to assign label to version 9 of model risk, which is not currently available",
        ),
    ],
)
def test_refused_reloads_change_nothing(running, model_stub, stub, text, code, message):
    error = _error(lambda request, timeout: _reload(model_stub, text), None)
    assert error.code() == getattr(grpc.StatusCode, code) and message in error.details()
    response = stub.Predict(
        _predict_request("risk", {"features": np.ones((1, 3), np.float32)}), timeout=60
    )
    assert response.model_spec.version.value == 2


# -- running it -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # starts the server's command line in its own process (TensorFlow import)
@pytest.mark.slow  # a server process: importing TensorFlow takes 5-20 s
def test_command_line_serves_grpc_and_rest_on_loopback(bases):
    from tensorflow_serving.apis import get_model_status_pb2, model_service_pb2_grpc

    grpc_port, rest_port = _free_port(), _free_port()
    command = [
        sys.executable,
        "-m",
        "mlep.deployment.serving",
        f"--port={grpc_port}",
        f"--rest_api_port={rest_port}",
        "--model_name=hp2",
        f"--model_base_path={bases / 'hp2'}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{rest_port}/v1/models/hp2", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
                time.sleep(0.2)
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            stub = model_service_pb2_grpc.ModelServiceStub(channel)
            request = get_model_status_pb2.GetModelStatusRequest(model_spec={"name": "hp2"})
            assert stub.GetModelStatus(request, timeout=60).model_version_status[0].version == 123
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        for port in (grpc_port, rest_port):
            # gRPC listens on an IPv4-mapped IPv6 socket, still bound to 127.0.0.1 only
            assert f"127.0.0.1:{port}" in listening or f"[::ffff:127.0.0.1]:{port}" in listening
            assert f"0.0.0.0:{port}" not in listening
            assert f"*:{port}" not in listening and f"[::]:{port}" not in listening
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_grpc_checks_its_arguments(running):
    with pytest.raises(TypeError, match="server must be a ModelServer"):
        G.serve_grpc("not a server", port=0)
    with pytest.raises(ValueError, match="port must be an int"):
        G.serve_grpc(running[0], port=70000)
    taken = running[2].port
    with pytest.raises(RuntimeError, match="did not start"):
        G.serve_grpc(running[0], port=taken)
