"""The model server against TF Serving's own documentation and tests, over real HTTP.

Every request/response example of ``tensorflow_serving/g3doc/api_rest.md`` and the REST cases of
``model_servers/tensorflow_model_server_test.py`` are replayed against ``half_plus_two`` /
``half_plus_three`` (built by :func:`mlep.deployment.serving.build_half_plus_two`, which follows
``saved_model_half_plus_two.py``), and the request-parsing rules of ``util/json_tensor_test.cc``
against small typed models built here. One server serves all of them (cheap: a few seconds).
"""

from __future__ import annotations

import base64
import concurrent.futures
import gzip
import json
import shutil

import httpx
import numpy as np
import pytest

from mlep.deployment import serving as S

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _doc_model(path):
    """The api_rest.md row/columnar examples: inputs tag, signal, sensor; and two one-input
    signatures (three strings; [[1, 2]] pairs)."""
    from mlep.runtime import tensorflow

    tf = tensorflow()

    class Doc(tf.Module):
        @tf.function(
            input_signature=[
                tf.TensorSpec([None], tf.string, name="tag"),
                tf.TensorSpec([None, 5], tf.int32, name="signal"),
                tf.TensorSpec([None, 2, 2], tf.int32, name="sensor"),
            ]
        )
        def serve(self, tag, signal, sensor):
            total = tf.reduce_sum(signal, axis=1) + tf.reduce_sum(sensor, axis=[1, 2])
            mean = tf.reduce_mean(tf.cast(signal, tf.float32), axis=1)
            return {"tag": tag, "tag_bytes": tag, "total": total, "mean": mean}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="words")])
        def strings(self, words):
            return {"upper": tf.strings.upper(words)}

        @tf.function(input_signature=[tf.TensorSpec([None, 1, 2], tf.int32, name="pairs")])
        def pairs(self, pairs):
            return {"doubled": pairs * 2}

        @tf.function(
            input_signature=[
                tf.TensorSpec([None], tf.int32, name="count"),
                tf.TensorSpec([None], tf.bool, name="flag"),
                tf.TensorSpec([None], tf.float64, name="wide"),
                tf.TensorSpec([None], tf.int64, name="big"),
            ]
        )
        def kinds(self, count, flag, wide, big):
            return {
                "count": count + 1,
                "flag": tf.logical_not(flag),
                "wide": wide * 2.0,
                "big": big - 1,
                "tenth": tf.cast(count, tf.float32) * 0.1,
            }

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="m")])
        def checked(self, m):
            with tf.control_dependencies([tf.debugging.assert_non_negative(m)]):
                return {"sum": tf.matmul(m, tf.ones([2, 1]))}

    module = Doc()
    tf.saved_model.save(
        module,
        str(path),
        signatures={
            "serving_default": module.serve,
            "strings": module.strings,
            "pairs": module.pairs,
            "kinds": module.kinds,
            "checked": module.checked,
        },
    )


def _classifier(path):
    """A classify signature with classes and scores, fed by tf.Example features image and caption
    (the api_rest.md b64 example): scores are the byte lengths / 10."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as session:
        serialized = v1.placeholder(tf.string, shape=[None], name="tf_example")
        features = v1.parse_example(
            serialized,
            {
                "image": v1.FixedLenFeature([], tf.string),
                "caption": v1.FixedLenFeature([], tf.string),
            },
        )
        lengths = [
            tf.cast(tf.strings.length(features[k]), tf.float32) / 10 for k in ("image", "caption")
        ]
        scores = tf.stack(lengths, axis=1)
        classes = tf.tile(tf.constant([["image", "caption"]]), [tf.shape(serialized)[0], 1])
        info = v1.saved_model.utils.build_tensor_info
        signature = v1.saved_model.signature_def_utils.build_signature_def(
            {"inputs": info(serialized)},
            {"classes": info(classes), "scores": info(scores)},
            "tensorflow/serving/classify",
        )
        builder = v1.saved_model.builder.SavedModelBuilder(str(path))
        builder.add_meta_graph_and_variables(
            session, ["serve"], signature_def_map={"classify_objects": signature}
        )
        builder.save()


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("conformance")
    S.build_half_plus_two(root / "half_plus_two", 123)
    S.build_half_plus_two(root / "half_plus_three", 123, plus=3.0)
    _doc_model(root / "doc" / "1")
    _classifier(root / "objects" / "1")
    return root


@pytest.fixture(scope="module")
def url(models):
    configs = [S.ModelConfig(n, str(models / n)) for n in ("half_plus_two", "half_plus_three")]
    configs += [S.ModelConfig("default", str(models / "half_plus_two"))]
    configs += [S.ModelConfig(n, str(models / n)) for n in ("doc", "objects")]
    with S.serve(S.ModelServer(configs, poll_seconds=0), port=0) as running:
        yield running.url


def _post(url, path, body, **kwargs):
    content = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return httpx.post(f"{url}/v1/models/{path}", content=content, **kwargs)


# -- api_rest.md ---------------------------------------------------------------------------------


def test_api_rest_md_status_example(url):
    answer = httpx.get(f"{url}/v1/models/half_plus_three")
    assert answer.status_code == 200
    assert answer.json() == {
        "model_version_status": [
            {
                "version": "123",
                "state": "AVAILABLE",
                "status": {"error_code": "OK", "error_message": ""},
            }
        ]
    }


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        (
            "half_plus_three:predict",
            {"instances": [1.0, 2.0, 5.0]},
            {"predictions": [3.5, 4.0, 5.5]},
        ),
        (
            "half_plus_three:regress",
            {"signature_name": "tensorflow/serving/regress", "examples": [{"x": 1.0}, {"x": 2.0}]},
            {"results": [3.5, 4.0]},
        ),
        ("half_plus_two:predict", {"instances": [1.0, 2.0, 5.0]}, {"predictions": [2.5, 3.0, 4.5]}),
        ("half_plus_two:predict", {"inputs": [1.0, 2.0, 5.0]}, {"outputs": [2.5, 3.0, 4.5]}),
        # "List of 3 scalar tensors" and "List of 2 tensors each of [1, 2] shape"
        (
            "doc:predict",
            {"signature_name": "strings", "instances": ["foo", "bar", "baz"]},
            {"predictions": ["FOO", "BAR", "BAZ"]},
        ),
        (
            "doc:predict",
            {"signature_name": "pairs", "instances": [[[1, 2]], [[3, 4]]]},
            {"predictions": [[[2, 4]], [[6, 8]]]},
        ),
    ],
)
def test_api_rest_md_predict_and_regress_examples(url, path, body, expected):
    answer = _post(url, path, body)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == expected


_ROWS = {
    "instances": [
        {"tag": "foo", "signal": [1, 2, 3, 4, 5], "sensor": [[1, 2], [3, 4]]},
        {"tag": "bar", "signal": [3, 4, 1, 2, 5], "sensor": [[4, 5], [6, 8]]},
    ]
}
_COLUMNS = {
    "inputs": {
        "tag": ["foo", "bar"],
        "signal": [[1, 2, 3, 4, 5], [3, 4, 1, 2, 5]],
        "sensor": [[[1, 2], [3, 4]], [[4, 5], [6, 8]]],
    }
}


def test_api_rest_md_named_inputs_in_row_and_columnar_format(url):
    rows = _post(url, "doc:predict", _ROWS).json()
    assert rows == {
        "predictions": [
            {"mean": 3.0, "tag": "foo", "tag_bytes": {"b64": "Zm9v"}, "total": 25},
            {"mean": 3.0, "tag": "bar", "tag_bytes": {"b64": "YmFy"}, "total": 38},
        ]
    }
    columns = _post(url, "doc:predict", _COLUMNS).json()
    assert columns == {
        "outputs": {
            "mean": [3.0, 3.0],
            "tag": ["foo", "bar"],
            "tag_bytes": [{"b64": "Zm9v"}, {"b64": "YmFy"}],
            "total": [25, 38],
        }
    }


def test_api_rest_md_binary_values_in_a_classify_request(url):
    body = {
        "signature_name": "classify_objects",
        "examples": [
            {"image": {"b64": "aW1hZ2UgYnl0ZXM="}, "caption": "seaside"},
            {"image": {"b64": "YXdlc29tZSBpbWFnZSBieXRlcw=="}, "caption": "mountains"},
        ],
    }
    answer = _post(url, "objects:classify", body)
    assert answer.status_code == 200, answer.text
    # 9 bytes / 10 in float32 is 0.90000004: TF Serving prints nine digits when six do not read back
    assert answer.json() == {
        "results": [[["image", 1.1], ["caption", 0.7]], [["image", 1.9], ["caption", 0.900000036]]]
    }


def test_api_rest_md_b64_inputs_in_rows_and_columns_and_bytes_outputs(url):
    words = [{"b64": base64.b64encode(w).decode()} for w in (b"foo", b"bar")]
    rows = _post(url, "doc:predict", {"signature_name": "strings", "instances": words})
    assert rows.json() == {"predictions": ["FOO", "BAR"]}
    columns = _post(url, "doc:predict", {"signature_name": "strings", "inputs": words})
    assert columns.json() == {"outputs": ["FOO", "BAR"]}


def test_api_rest_md_json_conformance_nan_and_infinity_in_and_out(url):
    answer = _post(url, "half_plus_two:predict", '{"instances": [NaN, Infinity, -Infinity, 1.0]}')
    assert answer.status_code == 200
    assert answer.text.replace(" ", "") == '{"predictions":[NaN,Infinity,-Infinity,2.5]}'
    values = json.loads(answer.text)["predictions"]
    assert np.isnan(values[0]) and values[1:] == [np.inf, -np.inf, 2.5]


def test_api_rest_md_error_example(url):
    answer = _post(url, "half:predict", {"instances": [1.0, 5.0]})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"error": "Servable not found for request: Latest(half)"}


# -- tensorflow_model_server_test.py (REST cases) ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        (
            "default:classify",
            {"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]},
            {"results": [[["", 3.0]]]},
        ),
        (
            "default:regress",
            {"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}]},
            {"results": [3.0]},
        ),
        ("default:predict", {"instances": [2.0, 3.0, 4.0]}, {"predictions": [3.0, 3.5, 4.0]}),
        ("default:predict", {"inputs": [2.0, 3.0, 4.0]}, {"outputs": [3.0, 3.5, 4.0]}),
    ],
)
def test_tensorflow_model_server_test_rest_cases(url, path, body, expected):
    answer = _post(url, path, body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected


def test_tensorflow_model_server_test_status_and_metadata(url):
    status = httpx.get(f"{url}/v1/models/default").json()
    assert status == {
        "model_version_status": [
            {
                "version": "123",
                "state": "AVAILABLE",
                "status": {"error_code": "OK", "error_message": ""},
            }
        ]
    }
    meta = httpx.get(f"{url}/v1/models/default/versions/123/metadata").json()
    assert meta["model_spec"] == {"name": "default", "signature_name": "", "version": "123"}
    defs = meta["metadata"]["signature_def"]["signature_def"]
    assert sorted(defs) == [
        "classify_x_to_y",
        "regress_x2_to_y3",
        "regress_x_to_y",
        "regress_x_to_y2",
        "serving_default",
    ]
    dims = {"dim": [{"size": "-1", "name": ""}, {"size": "1", "name": ""}], "unknown_rank": False}
    predict = defs["serving_default"]
    assert predict["method_name"] == "tensorflow/serving/predict"
    assert predict["inputs"] == {"x": {"dtype": "DT_FLOAT", "tensor_shape": dims, "name": "x:0"}}
    assert predict["outputs"] == {"y": {"dtype": "DT_FLOAT", "tensor_shape": dims, "name": "y:0"}}
    assert defs["classify_x_to_y"]["method_name"] == "tensorflow/serving/classify"
    assert defs["regress_x_to_y"]["inputs"]["inputs"]["name"] == "tf_example:0"
    assert defs["regress_x_to_y"]["inputs"]["inputs"]["dtype"] == "DT_STRING"


def test_metadata_of_a_tf2_savedmodel_shows_the_init_op(url):
    defs = httpx.get(f"{url}/v1/models/doc/metadata").json()["metadata"]["signature_def"]
    init = defs["signature_def"]["__saved_model_init_op"]
    assert init["outputs"]["__saved_model_init_op"]["tensor_shape"] == {
        "dim": [],
        "unknown_rank": True,
    }
    assert init["method_name"] == ""


# -- json_tensor_test.cc: request rules and messages -------------------------------------------


_ERRORS = [
    ("half_plus_two:predict", "", "JSON Parse error: The document is empty"),
    ("half_plus_two:predict", "{bad", "JSON Parse error"),
    ("half_plus_two:predict", "[1, 2]", "Is not object"),
    ("half_plus_two:predict", {"signature_name": 5, "instances": [1.0]}, "must be a string value"),
    ("half_plus_two:predict", {"instances": [1.0], "inputs": [1.0]}, "Not formatted correctly"),
    (
        "half_plus_two:predict",
        {"instances": {"x": 1.0}},
        "Excepting 'instances' to be an list/array",
    ),
    ("half_plus_two:predict", {"instances": []}, "No values in 'instances' array"),
    ("half_plus_two:predict", {"nothing": 1}, "Missing 'inputs' or 'instances' key"),
    (
        "doc:predict",
        {"signature_name": "pairs", "instances": [[[1, 2]], [[3, 4, 5]]]},
        "Expecting tensor size",
    ),
    (
        "doc:predict",
        {"signature_name": "pairs", "instances": [[1, 2], [[3, 4]]]},
        "Expecting shape",
    ),
    ("half_plus_two:predict", {"instances": [1, [1]]}, "Expecting shape"),
    ("half_plus_two:predict", {"instances": [[1.0], ["a"]]}, "not of expected type: float"),
    ("half_plus_two:predict", '{"instances": [1.7976931348623157e308]}', "loss of precision"),
    ("half_plus_two:predict", {"instances": [16777217]}, "to float without loss of precision"),
    (
        "half_plus_two:predict",
        {"instances": ["1.5"]},
        'JSON Value: "1.5" Type: String is not of expected',
    ),
    (
        "half_plus_two:predict",
        {"instances": [True]},
        "JSON Value: true Type: True is not of expected",
    ),
    (
        "half_plus_two:predict",
        {"instances": [None]},
        "JSON Value: null Type: Null is not of expected",
    ),
    ("half_plus_two:predict", {"instances": [{"y": 1.0}]}, "does not have named input: y"),
    (
        "doc:predict",
        {"instances": [_ROWS["instances"][0], [1, 20, 30]]},
        "Expecting object but got list at item 1 of input list",
    ),
    (
        "doc:predict",
        {"signature_name": "strings", "instances": [["baz"], {"words": ["bat"]}]},
        "Expecting value/list but got object at item 1",
    ),
    (
        "doc:predict",
        {"instances": ["foo"]},
        "instances is a plain list, but expecting list of objects",
    ),
    ("doc:predict", {"inputs": ["foo"]}, "inputs is a plain value/list, but expecting an object"),
    (
        "doc:predict",
        {"inputs": {"tag": ["foo"], "signal": [[1, 2, 3, 4, 5]]}},
        "Missing named input: sensor",
    ),
    (
        "doc:predict",
        {"signature_name": "strings", "instances": [{"b64": "!!"}]},
        "Unable to base64 decode",
    ),
]
_KINDS = {"count": [1], "flag": [True], "wide": [0.5], "big": [7]}
for _name, _bad, _text in [
    ("count", [3000000000], "JSON Value: 3000000000 Type: Number is not of expected type: int32"),
    ("count", [1.7], "JSON Value: 1.7 Type: Number is not of expected type: int32"),
    ("count", [True], "is not of expected type: int32"),
    ("flag", [1], "JSON Value: 1 Type: Number is not of expected type: bool"),
    ("wide", [9007199254740993], "to double without loss of precision"),
    ("big", [9223372036854775808], "is not of expected type: int64"),
]:
    _ERRORS.append(
        ("doc:predict", {"signature_name": "kinds", "inputs": {**_KINDS, _name: _bad}}, _text)
    )
for _body, _text in [
    (
        {"signature_name": ["hello"], "examples": [{"names": ["foo"]}]},
        "'signature_name' key must be a string",
    ),
    (
        {"context": [{"names": ["foo", "bar"]}], "examples": [{"x": 1.0}]},
        "Example must be JSON object",
    ),
    ({"examples": {"names": ["foo", "bar"]}}, "list/array"),
    ({"examples": [[{"names": ["foo", "bar"]}]]}, "Example must be JSON object"),
    ({"examples": [{"names": [10, None]}]}, "names has element with unexpected JSON type: Null"),
    ({"examples": [{"names": [10, 10.0]}]}, "feature: names expecting type: int64"),
    (
        {"examples": [{"names": [10, {"test": 10}]}]},
        "names has element with unexpected JSON type: Object",
    ),
    ({"examples": [{"names": [[10], 20]}]}, "names has element with unexpected JSON type: Array"),
    ({"examples": [{"names": [20, 18446744073709551603]}]}, "Only int64 is supported"),
    ('{"examples": [{"names": 1.7976931348623157e308}]}', "loss of precision"),
    ({"examples": []}, "'examples' value is an empty array"),
    ({"signature_name": "regress_x_to_y"}, "key 'examples' is expected and was not found"),
]:
    _ERRORS.append(("half_plus_two:regress", _body, _text))


@pytest.mark.parametrize(("path", "body", "message"), _ERRORS)
def test_json_tensor_test_request_errors_are_400_with_tf_messages(url, path, body, message):
    answer = _post(url, path, body)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert message in answer.json()["error"]


def test_json_tensor_test_typed_values_and_context_merge(url):
    kinds = _post(url, "doc:predict", {"signature_name": "kinds", "inputs": _KINDS}).json()
    assert kinds == {
        "outputs": {"big": [6], "count": [2], "flag": [False], "tenth": [0.1], "wide": [1.0]}
    }
    # an example's feature replaces the context's feature of the same name
    merged = _post(
        url,
        "half_plus_two:regress",
        {"signature_name": "regress_x_to_y2", "context": {"x": 9.0}, "examples": [{"x": 4.0}, {}]},
    ).json()
    assert merged == {"results": [5.0, 7.5]}
    # regress_x2_to_y3 takes the float x2, not tf.Example records: the graph says so, as in TF
    # Serving
    wrong = _post(
        url, "half_plus_two:regress", {"signature_name": "regress_x2_to_y3", "examples": [{}]}
    )
    assert wrong.status_code == 400 and "Type mismatch" in wrong.json()["error"]


def test_float32_outputs_print_as_tf_serving_prints_them(url):
    answer = _post(url, "half_plus_two:predict", {"instances": [0.1, 9000000.0, 0.0003]})
    assert answer.json() == {"predictions": [2.05, 4500002.0, 2.00015]}
    assert "2.049999" not in answer.text


# -- paths, methods, status codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/v1/models", 400, "Missing model name in request."),
        (
            "GET",
            "/v1/models/half_plus_two:predict",
            400,
            "Malformed request: GET /v1/models/half_plus_two:predict",
        ),
        ("PUT", "/v1/models/half_plus_two", 400, "Malformed request: PUT /v1/models/half_plus_two"),
        (
            "POST",
            "/v1/models/half_plus_two",
            400,
            "Malformed request: POST /v1/models/half_plus_two",
        ),
        ("POST", "/v1/models/half_plus_two:explain", 400, "Malformed request"),
        ("GET", "/v1/models/nope", 404, "Could not find any versions of model nope"),
        (
            "GET",
            "/v1/models/half_plus_two/versions/7",
            404,
            "Could not find version 7 of model half_plus_two",
        ),
        ("GET", "/v1/models/half_plus_two/versions/7/metadata", 404, "Specific(half_plus_two, 7)"),
        (
            "GET",
            "/v1/models/half_plus_two/labels/beta/metadata",
            400,
            "Unrecognized servable version label: beta",
        ),
        (
            "POST",
            "/v1/models/half_plus_two/labels/beta:predict",
            400,
            "Unrecognized servable version label: beta",
        ),
        (
            "POST",
            "/v1/models/half_plus_two/versions/99999999999999999999:predict",
            400,
            "Failed to convert version",
        ),
        ("GET", "/elsewhere", 404, "under /v1/"),
    ],
)
def test_paths_methods_and_status_codes(url, method, path, status, message):
    answer = httpx.request(method, url + path, content=b'{"instances": [1.0]}')
    assert answer.status_code == status
    assert message in answer.json()["error"]


def test_paths_are_case_insensitive_like_tf_servings_regexes(url):
    answer = httpx.post(
        f"{url}/V1/MODELS/half_plus_two/VERSIONS/123:predict", json={"instances": [1.0]}
    )
    assert answer.json() == {"predictions": [2.5]}


def test_gzip_bodies_invalid_utf8_and_deep_nesting(url):
    packed = gzip.compress(json.dumps({"instances": [1.0, 2.0]}).encode())
    answer = _post(url, "half_plus_two:predict", packed, headers={"Content-Encoding": "gzip"})
    assert answer.json() == {"predictions": [2.5, 3.0]}
    broken = _post(url, "half_plus_two:predict", b"not gzip", headers={"Content-Encoding": "gzip"})
    assert broken.status_code == 400 and "gzip" in broken.json()["error"]
    for body in (b'{"instances": ["\xff\xfe"]}', "[" * 100_000 + "]" * 100_000):
        answer = _post(url, "half_plus_two:predict", body)
        assert answer.status_code == 400 and "JSON Parse error" in answer.json()["error"]


# -- versions: folder names, states, a broken version ------------------------------------------


def test_version_states_a_broken_version_and_a_good_newer_one(tmp_path, models):
    base = tmp_path / "hp2"
    shutil.copytree(models / "half_plus_two" / "00000123", base / "00000001")
    (base / "2").mkdir()
    (base / "2" / "saved_model.pb").write_bytes(b"not a graph")
    server = S.ModelServer([S.ModelConfig("hp2", str(base), policy=("all",))], poll_seconds=0)
    states = {v["version"]: v for v in server.status("hp2")["model_version_status"]}
    assert states["1"]["state"] == "AVAILABLE"
    assert states["2"]["state"] == "END" and states["2"]["status"]["error_code"] != "OK"
    assert states["2"]["status"]["error_message"]
    shutil.copytree(models / "half_plus_two" / "00000123", base / "3")
    server.refresh()  # the broken version 2 does not stop version 3
    assert server.resolve("hp2").version == 3
    latest = S.ModelServer([S.ModelConfig("hp2", str(base))], poll_seconds=0)
    assert [v["state"] for v in latest.status("hp2")["model_version_status"]] == ["AVAILABLE"]
    shutil.rmtree(base / "3")
    latest.refresh()  # now the policy wants the broken 2: it fails, and 3 keeps answering
    assert [(v["version"], v["state"]) for v in latest.status("hp2")["model_version_status"]] == [
        ("3", "AVAILABLE"),
        ("2", "END"),
    ]
    assert latest.resolve("hp2").version == 3


def test_an_unloaded_version_shows_end(tmp_path, models):
    base = tmp_path / "hp2"
    shutil.copytree(models / "half_plus_two" / "00000123", base / "1")
    server = S.ModelServer([S.ModelConfig("hp2", str(base))], poll_seconds=0)
    shutil.copytree(models / "half_plus_two" / "00000123", base / "2")
    server.refresh()
    assert [(v["version"], v["state"]) for v in server.status("hp2")["model_version_status"]] == [
        ("2", "AVAILABLE"),
        ("1", "END"),
    ]


# -- batching isolates requests ------------------------------------------------------------------


def test_a_bad_request_in_a_batch_fails_alone(models):
    server = S.ModelServer(
        [S.ModelConfig("doc", str(models / "doc"))],
        poll_seconds=0,
        max_batch_size=64,
        batch_timeout_ms=30,
    )
    good = {"signature_name": "checked", "instances": [[1.0, 2.0]]}
    negative = {"signature_name": "checked", "instances": [[-1.0, 2.0]]}  # stacks, then fails
    wide = {"signature_name": "checked", "instances": [[1.0, 2.0, 3.0]]}  # the graph refuses it
    typed = {"signature_name": "checked", "instances": [["a", "b"]]}  # refused before the model
    bodies = [good] * 60 + [negative, wide, typed] * 3
    with S.serve(server, port=0) as running:
        with concurrent.futures.ThreadPoolExecutor(24) as pool:
            answers = list(
                pool.map(lambda b: _post(running.url, "doc:predict", b, timeout=60), bodies)
            )
    assert [a.json() for a in answers[:60]] == [{"predictions": [[3.0]]}] * 60
    assert all(a.status_code == 400 and "error" in a.json() for a in answers[60:])
    assert server.batches_run < len(bodies)
