"""The TF-Serving-compatible model server over real HTTP on loopback: status, metadata, predict in
both formats, versions and labels from a real models.config, hot-loading without dropped
requests, dynamic batching, classify/regress, and every bad request answered with a 4xx."""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
import threading
import time

import httpx
import numpy as np
import pytest

from mlep.deployment import serving as S


def _model(weight: float):
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    inputs = keras.Input(shape=(3,), name="features")
    dense = keras.layers.Dense(
        1,
        activation="sigmoid",
        kernel_initializer=keras.initializers.Constant(weight),
        bias_initializer="zeros",
    )
    return keras.Model(inputs, dense(inputs))


def _expected(weight: float, rows) -> list[float]:
    return [1 / (1 + np.exp(-weight * sum(r))) for r in rows]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "risk"
    S.export_model(_model(0.1), path, 1)
    S.export_model(_model(-0.1), path, 2)
    return path


@pytest.fixture(scope="module")
def running(base, tmp_path_factory):
    config = tmp_path_factory.mktemp("config") / "models.config"
    config.write_text(
        "model_config_list {\n"
        f'  config {{ name: "risk" base_path: "{base}" model_platform: "tensorflow"\n'
        "    model_version_policy { specific { versions: 1 versions: 2 } }\n"
        '    version_labels { key: "stable" value: 1 } '
        'version_labels { key: "canary" value: 2 } }\n'
        "}\n"
    )
    server = S.ModelServer.from_config_file(config, poll_seconds=0)
    with S.serve(server, port=0) as run:
        yield run


def test_status_lists_each_version_like_tf_serving(running):
    status = S.ServingClient(running.url, "risk").status()
    assert [v["version"] for v in status["model_version_status"]] == ["2", "1"]
    assert {v["state"] for v in status["model_version_status"]} == {"AVAILABLE"}
    assert status["model_version_status"][0]["status"] == {"error_code": "OK", "error_message": ""}
    # as in TF Serving (get_model_status_impl.cc), a label does not narrow the status; a version
    # does
    by_label = S.ServingClient(running.url, "risk").status(label="stable")
    assert [v["version"] for v in by_label["model_version_status"]] == ["2", "1"]
    one = S.ServingClient(running.url, "risk").status(version=1)["model_version_status"]
    assert [v["version"] for v in one] == ["1"]


def test_metadata_describes_the_signature(running):
    meta = S.ServingClient(running.url, "risk").metadata(version=2)
    assert meta["model_spec"] == {"name": "risk", "signature_name": "", "version": "2"}
    signature = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert signature["inputs"]["features"]["dtype"] == "DT_FLOAT"
    assert signature["inputs"]["features"]["tensor_shape"] == {
        "dim": [{"size": "-1", "name": ""}, {"size": "3", "name": ""}],
        "unknown_rank": False,
    }
    assert signature["inputs"]["features"]["name"] == "serving_default_features:0"
    assert signature["method_name"] == "tensorflow/serving/predict"
    init = meta["metadata"]["signature_def"]["signature_def"]["__saved_model_init_op"]
    assert init["outputs"]["__saved_model_init_op"]["tensor_shape"]["unknown_rank"] is True


def test_predict_in_row_and_columnar_format_by_version_and_label(running):
    client = S.ServingClient(running.url, "risk")
    rows = [[1, 2, 3], [0, 0, 0]]
    np.testing.assert_allclose(
        np.ravel(client.predict(rows)), _expected(-0.1, rows), rtol=1e-6
    )  # latest: 2
    np.testing.assert_allclose(
        np.ravel(client.predict(rows, label="stable")), _expected(0.1, rows), rtol=1e-6
    )
    np.testing.assert_allclose(
        np.ravel(client.predict(rows, version=2)), _expected(-0.1, rows), rtol=1e-6
    )
    named = client.predict([{"features": r} for r in rows], version=1)
    np.testing.assert_allclose(np.ravel(named), _expected(0.1, rows), rtol=1e-6)
    columnar = httpx.post(
        f"{running.url}/v1/models/risk/labels/canary:predict", json={"inputs": {"features": rows}}
    )
    np.testing.assert_allclose(
        np.ravel(columnar.json()["outputs"]), _expected(-0.1, rows), rtol=1e-6
    )


def test_classify_and_regress_need_a_signature_of_that_method(running):
    # Keras exports predict signatures; TF Serving's classifier/regressor refuse them (the
    # positive cases, through tf.Example, are in test_serving_conformance.py with half_plus_two)
    url = f"{running.url}/v1/models/risk/versions/1"
    for method, kind in (("classify", "classification"), ("regress", "regression")):
        answer = httpx.post(f"{url}:{method}", json={"examples": [{"features": [1.0, 2.0, 3.0]}]})
        assert answer.status_code == 400
        assert answer.json()["error"] == (
            f"Expected {kind} signature method_name to be tensorflow/serving/{method}. "
            "Was: tensorflow/serving/predict"
        )


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("risk:predict", "{bad", 400, "JSON Parse error"),
        ("risk:predict", '{"rows": [[1, 2, 3]]}', 400, "Missing 'inputs' or 'instances' key"),
        (
            "risk:predict",
            '{"instances": [[1,2,3]], "inputs": [[1,2,3]]}',
            400,
            "expecting only one of 'inputs' or 'instances' keys to exist",
        ),
        (  # the graph's own error: TF Serving leaves shapes to the model
            "risk:predict",
            '{"instances": [[1, 2]]}',
            400,
            "Matrix size-incompatible: In[0]: [1,2], In[1]: [3,1]",
        ),
        (
            "risk:predict",
            '{"instances": [["a", "b", "c"]]}',
            400,
            'JSON Value: "a" Type: String is not of expected type: float',
        ),
        (
            "risk:predict",
            '{"instances": [[1, 2, 3], [1, 2]]}',
            400,
            "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: "
            "Expecting tensor size: 3 but got: 2",
        ),
        ("risk:predict", '{"instances": []}', 400, "No values in 'instances' array"),
        (
            "risk:predict",
            '{"instances": [{"age": [1, 2, 3]}]}',
            400,
            "JSON object: does not have named input: age",
        ),
        (
            "risk:predict",
            '{"instances": [[1,2,3]], "signature_name": "other"}',
            400,
            'Serving signature name: "other" not found in signature def',
        ),
        (
            "nope:predict",
            '{"instances": [[1, 2, 3]]}',
            404,
            "Servable not found for request: Latest(nope)",
        ),
        ("risk/versions/7:predict", '{"instances": [[1, 2, 3]]}', 404, "Specific(risk, 7)"),
        (
            "risk/labels/beta:predict",
            '{"instances": [[1, 2, 3]]}',
            400,
            "Unrecognized servable version label: beta",
        ),
        ("risk:explain", '{"instances": [[1, 2, 3]]}', 400, "Malformed request: POST"),
        ("risk:classify", '{"instances": [[1, 2, 3]]}', 400, "key 'examples' is expected"),
    ],
)
def test_bad_requests_get_a_4xx_and_a_tf_serving_style_error(running, path, body, status, message):
    response = httpx.post(f"{running.url}/v1/models/{path}", content=body)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_a_new_version_is_hot_loaded_without_dropping_requests(tmp_path):
    base = tmp_path / "live"
    S.export_model(_model(0.1), base, 1)
    server = S.ModelServer([S.ModelConfig("live", str(base))], poll_seconds=0.1)
    failures, answers, stop = [], [], threading.Event()
    with S.serve(server, port=0) as run:
        client = S.ServingClient(run.url, "live")

        def hammer():
            while not stop.is_set():
                try:
                    answers.append(client.predict([[1, 1, 1]])[0][0])
                except Exception as error:  # noqa: BLE001 - any failure is a dropped request
                    failures.append(error)

        thread = threading.Thread(target=hammer)
        thread.start()
        time.sleep(0.5)
        S.export_model(_model(-0.1), base, 2)
        deadline = time.monotonic() + 30
        while (
            client.status()["model_version_status"][0] != _available("2")
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        time.sleep(0.3)
        stop.set()
        thread.join()
    assert not failures
    assert answers[0] == pytest.approx(_expected(0.1, [[1, 1, 1]])[0], rel=1e-6)
    assert answers[-1] == pytest.approx(_expected(-0.1, [[1, 1, 1]])[0], rel=1e-6)
    # the latest-1 policy unloaded version 1: TF Serving still lists it, in state END
    assert [(v["version"], v["state"]) for v in client_status(server)] == [
        ("2", "AVAILABLE"),
        ("1", "END"),
    ]


def _available(version: str) -> dict:
    return {
        "version": version,
        "state": "AVAILABLE",
        "status": {"error_code": "OK", "error_message": ""},
    }


def client_status(server):
    return server.status("live")["model_version_status"]


def test_dynamic_batching_merges_concurrent_requests_and_keeps_answers_apart(base):
    server = S.ModelServer(
        [S.ModelConfig("risk", str(base))], poll_seconds=0, max_batch_size=16, batch_timeout_ms=50
    )
    with S.serve(server, port=0) as run:
        client = S.ServingClient(run.url, "risk")
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda i: client.predict([[i, 0, 0]])[0][0], range(32)))
    np.testing.assert_allclose(answers, _expected(-0.1, [[i, 0, 0] for i in range(32)]), rtol=1e-6)
    assert server.batches_run < 32  # some requests shared a model call


def test_only_savedmodel_version_folders_are_loaded(tmp_path):
    base = tmp_path / "m"
    S.export_model(_model(0.1), base, 3)
    (base / "latest.pkl").write_bytes(b"not a model")
    (base / "notes").mkdir()
    server = S.ModelServer([S.ModelConfig("m", str(base))], poll_seconds=0)
    assert [v["version"] for v in server.status("m")["model_version_status"]] == ["3"]
    with pytest.raises(FileExistsError, match="versions are immutable"):
        S.export_model(_model(0.2), base, 3)


def test_export_model_logs_nothing_a_lab_cell_would_print(tmp_path, caplog):
    import logging

    caplog.set_level(logging.INFO)  # a Jupyter kernel's root logger lets INFO through
    before = logging.getLogger("tensorflow").level  # other tests in this process may have set it
    S.export_model(_model(0.3), tmp_path / "quiet", 1)
    assert not [r.getMessage() for r in caplog.records if r.name in ("tensorflow", "absl")]
    assert logging.getLogger("tensorflow").level == before  # restored afterwards


def test_models_config_errors_are_explained():
    with pytest.raises(ValueError, match="not a valid TF Serving model config"):
        S.parse_model_config("model_config_list { config { nme: 'x' } }")
    with pytest.raises(ValueError, match="needs a name and a base_path"):
        S.parse_model_config("model_config_list { config { name: 'x' } }")
    with pytest.raises(ValueError, match="lists no model"):
        S.parse_model_config("")


@pytest.mark.slow  # starts the server's command line in its own process (TensorFlow import)
def test_command_line_server_binds_loopback_and_serves(base, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlep.deployment.serving",
            "--rest_api_port",
            str(port),
            "--port",  # no gRPC server: TF Serving's default 8500 may be taken
            "0",
            "--model_name",
            "risk",
            "--model_base_path",
            str(base),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/v1/models/risk", timeout=1).json()
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
                time.sleep(0.2)
        assert status["model_version_status"][0]["version"] == "2"
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        assert f"127.0.0.1:{port}" in listening and f"0.0.0.0:{port}" not in listening
    finally:
        process.terminate()
        process.wait(timeout=20)
    bad = subprocess.run(
        [sys.executable, "-m", "mlep.deployment.serving"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "give either --model_config_file" in bad.stderr
    assert json.loads(json.dumps(status))  # plain JSON


def test_cache_answers_repeated_requests_without_the_model(base):
    server = S.ModelServer([S.ModelConfig("risk", str(base))], poll_seconds=0, cache_size=2)
    with S.serve(server, port=0) as run:
        client = S.ServingClient(run.url, "risk")
        first = client.predict([[1, 2, 3]])
        assert client.predict([[1, 2, 3]]) == first
        client.predict([[3, 2, 1]])
        client.predict([[0, 0, 1]])  # evicts [[1, 2, 3]] (least recently used)
        client.predict([[1, 2, 3]])
    assert (server.cache_hits, server.cache_misses) == (1, 4)


def test_traffic_split_sends_the_canary_its_share_and_keeps_clients_sticky(base):
    server = S.ModelServer(
        [S.ModelConfig("risk", str(base), policy=("all",))],
        poll_seconds=0,
        traffic_split={"risk": {1: 90, 2: 10}},
    )
    versions = [server.split_version("risk", f"user-{i}") for i in range(4000)]
    assert 0.08 < versions.count(2) / 4000 < 0.12
    assert all(server.split_version("risk", f"user-{i}") == versions[i] for i in range(100))
    with S.serve(server, port=0) as run:
        client = S.ServingClient(run.url, "risk")
        canary_user = next(f"user-{i}" for i, v in enumerate(versions) if v == 2)
        stable_user = next(f"user-{i}" for i, v in enumerate(versions) if v == 1)
        rows = [[1, 2, 3]]
        assert client.predict(rows, request_id=canary_user)[0][0] == pytest.approx(
            _expected(-0.1, rows)[0], rel=1e-6
        )
        assert client.predict(rows, request_id=stable_user)[0][0] == pytest.approx(
            _expected(0.1, rows)[0], rel=1e-6
        )
        assert client.predict(rows, version=2, request_id=stable_user)[0][0] == pytest.approx(
            _expected(-0.1, rows)[0], rel=1e-6
        )  # an explicit version wins over the split
    with pytest.raises(ValueError, match="unknown model 'other'"):
        S.ModelServer([S.ModelConfig("risk", str(base))], traffic_split={"other": {1: 1}})
    with pytest.raises(ValueError, match="non-negative weights"):
        S.ModelServer([S.ModelConfig("risk", str(base))], traffic_split={"risk": {1: -1, 2: 2}})


def test_an_oversized_body_is_refused_with_413_and_the_server_goes_on(base):
    server = S.ModelServer([S.ModelConfig("risk", str(base))], poll_seconds=0, max_body_bytes=1000)
    with S.serve(server, port=0) as run:
        url = f"{run.url}/v1/models/risk:predict"
        big = httpx.post(url, json={"instances": [[1.0, 2.0, 3.0]] * 200})
        assert big.status_code == 413 and "over the 1000-byte limit" in big.json()["error"]
        assert httpx.post(url, json={"instances": [[1, 2, 3]]}).status_code == 200


@pytest.mark.slow  # keeps a server's queue full for seconds
def test_a_full_server_answers_503_instead_of_queueing(base):
    server = S.ModelServer([S.ModelConfig("risk", str(base))], poll_seconds=0, max_in_flight=4)
    with S.serve(server, port=0) as run:
        url = f"{run.url}/v1/models/risk:predict"
        server.in_flight = 4  # as if four slow requests were being served
        busy = httpx.post(url, json={"instances": [[1, 2, 3]]})
        assert busy.status_code == 503 and "server overloaded" in busy.json()["error"]
        server.in_flight = 0
        assert httpx.post(url, json={"instances": [[1, 2, 3]]}).status_code == 200
        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            codes = list(
                pool.map(
                    lambda _: httpx.post(url, json={"instances": [[1, 2, 3]]}).status_code,
                    range(200),
                )
            )
    assert set(codes) <= {200, 503} and codes.count(503) == server.rejected - 1
    assert server.in_flight == 0
