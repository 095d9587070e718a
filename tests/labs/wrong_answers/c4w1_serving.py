"""Plausible wrong answers for C4W1; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "export_with_signature": [
        # Keras' default signature: risk keeps its [None, 1] shape and there is no high_risk
        """
def export_with_signature(model, base_path, version, threshold):
    return S.export_model(model, base_path, version)
""",
        # "at least" read as strictly above the threshold
        """
def export_with_signature(model, base_path, version, threshold):
    class Servable(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        @tf.function(
            input_signature=[tf.TensorSpec([None, len(FEATURES)], tf.float32, name="features")]
        )
        def serve(self, features):
            risk = self.model(features)[:, 0]
            return {"risk": risk, "high_risk": risk > threshold}

    return S.export_model(Servable(), base_path, version)
""",
        # risk not flattened: shape [None, 1] instead of [None]
        """
def export_with_signature(model, base_path, version, threshold):
    class Servable(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        @tf.function(
            input_signature=[tf.TensorSpec([None, len(FEATURES)], tf.float32, name="features")]
        )
        def serve(self, features):
            risk = self.model(features)
            return {"risk": risk, "high_risk": risk >= threshold}

    return S.export_model(Servable(), base_path, version)
""",
        # the input is named after the Python argument of another name: "x", not "features"
        """
def export_with_signature(model, base_path, version, threshold):
    class Servable(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        @tf.function(input_signature=[tf.TensorSpec([None, len(FEATURES)], tf.float32)])
        def serve(self, x):
            risk = self.model(x)[:, 0]
            return {"risk": risk, "high_risk": risk >= threshold}

    return S.export_model(Servable(), base_path, version)
""",
        # saves into base_path itself: no version folder, so no server finds it
        """
def export_with_signature(model, base_path, version, threshold):
    class Servable(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        @tf.function(
            input_signature=[tf.TensorSpec([None, len(FEATURES)], tf.float32, name="features")]
        )
        def serve(self, features):
            risk = self.model(features)[:, 0]
            return {"risk": risk, "high_risk": risk >= threshold}

    module = Servable()
    tf.saved_model.save(module, str(base_path), signatures={"serving_default": module.serve})
    return Path(base_path) / str(version)
""",
        # a threshold fixed at 0.5 instead of the argument
        """
def export_with_signature(model, base_path, version, threshold):
    class Servable(tf.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        @tf.function(
            input_signature=[tf.TensorSpec([None, len(FEATURES)], tf.float32, name="features")]
        )
        def serve(self, features):
            risk = self.model(features)[:, 0]
            return {"risk": risk, "high_risk": risk >= 0.5}

    return S.export_model(Servable(), base_path, version)
""",
    ],
    "models_config": [
        # labels swapped: "stable" points at the canary
        """
def models_config(name, base_path, stable, canary):
    return (
        f'''model_config_list {{ config {{ name: "{name}" base_path: "{base_path}" '''
        f'''model_platform: "tensorflow"
        model_version_policy {{ specific {{ versions: {stable} versions: {canary} }} }}
        version_labels {{ key: "stable" value: {canary} }} '''
        f'''version_labels {{ key: "canary" value: {stable} }} }} }}'''
    )
""",
        # no version policy: TF Serving's default loads only the latest version
        """
def models_config(name, base_path, stable, canary):
    return (
        f'''model_config_list {{ config {{ name: "{name}" base_path: "{base_path}" '''
        f'''model_platform: "tensorflow"
        version_labels {{ key: "stable" value: {stable} }} '''
        f'''version_labels {{ key: "canary" value: {canary} }} }} }}'''
    )
""",
        # loads every version in the folder, not exactly the two
        """
def models_config(name, base_path, stable, canary):
    return (
        f'''model_config_list {{ config {{ name: "{name}" base_path: "{base_path}" '''
        f'''model_platform: "tensorflow"
        model_version_policy {{ all {{ }} }}
        version_labels {{ key: "stable" value: {stable} }} '''
        f'''version_labels {{ key: "canary" value: {canary} }} }} }}'''
    )
""",
        # latest two versions: right only when stable and canary are the two newest
        """
def models_config(name, base_path, stable, canary):
    return (
        f'''model_config_list {{ config {{ name: "{name}" base_path: "{base_path}" '''
        f'''model_platform: "tensorflow"
        model_version_policy {{ latest {{ num_versions: 2 }} }}
        version_labels {{ key: "stable" value: {stable} }} '''
        f'''version_labels {{ key: "canary" value: {canary} }} }} }}'''
    )
""",
        # the model name is hard-coded
        """
def models_config(name, base_path, stable, canary):
    return (
        f'''model_config_list {{ config {{ name: "readmission" base_path: "{base_path}" '''
        f'''model_platform: "tensorflow"
        model_version_policy {{ specific {{ versions: {stable} versions: {canary} }} }}
        version_labels {{ key: "stable" value: {stable} }} '''
        f'''version_labels {{ key: "canary" value: {canary} }} }} }}'''
    )
""",
    ],
    "predict_risk": [
        # always the row format, whatever `columnar` says
        """
def predict_risk(url, model_name, rows, columnar):
    reply = httpx.post(f"{url}/v1/models/{model_name}:predict", json={"instances": rows.tolist()})
    return np.asarray(reply.json()["predictions"], dtype=float).reshape(len(rows))
""",
        # returns the answer as the server sends it: shape (n, 1), not one number per row
        """
def predict_risk(url, model_name, rows, columnar):
    body = {"inputs": {"features": rows.tolist()}} if columnar else {"instances": rows.tolist()}
    answer = httpx.post(f"{url}/v1/models/{model_name}:predict", json=body).json()
    return np.asarray(answer["outputs"] if columnar else answer["predictions"], dtype=float)
""",
        # reads "predictions" from a columnar answer, which has "outputs"
        """
def predict_risk(url, model_name, rows, columnar):
    body = {"inputs": {"features": rows.tolist()}} if columnar else {"instances": rows.tolist()}
    answer = httpx.post(f"{url}/v1/models/{model_name}:predict", json=body).json()
    return np.asarray(answer["predictions"], dtype=float).reshape(len(rows))
""",
        # the model name is hard-coded
        """
def predict_risk(url, model_name, rows, columnar):
    body = {"inputs": {"features": rows.tolist()}} if columnar else {"instances": rows.tolist()}
    answer = httpx.post(f"{url}/v1/models/readmission:predict", json=body).json()
    return np.asarray(
        answer["outputs"] if columnar else answer["predictions"], dtype=float
    ).reshape(len(rows))
""",
        # one request per row: the right numbers, but n round trips instead of one batch
        """
def predict_risk(url, model_name, rows, columnar):
    risks = []
    for row in rows:
        body = (
            {"inputs": {"features": [row.tolist()]}}
            if columnar
            else {"instances": [row.tolist()]}
        )
        answer = httpx.post(f"{url}/v1/models/{model_name}:predict", json=body).json()
        risks.append((answer["outputs"] if columnar else answer["predictions"])[0][0])
    return np.asarray(risks, dtype=float)
""",
    ],
    "signature_inputs": [
        # keeps the sizes as the server's strings, with "-1"
        """
def signature_inputs(metadata, signature):
    signatures = metadata["metadata"]["signature_def"]["signature_def"]
    if signature not in signatures:
        raise ValueError(f"no signature {signature!r}; available: {sorted(signatures)}")
    return {name: (spec["dtype"], [d["size"] for d in spec["tensor_shape"]["dim"]])
            for name, spec in signatures[signature]["inputs"].items()}
""",
        # ints, but -1 kept instead of None
        """
def signature_inputs(metadata, signature):
    signatures = metadata["metadata"]["signature_def"]["signature_def"]
    if signature not in signatures:
        raise ValueError(f"no signature {signature!r}; available: {sorted(signatures)}")
    return {name: (spec["dtype"], [int(d["size"]) for d in spec["tensor_shape"]["dim"]])
            for name, spec in signatures[signature]["inputs"].items()}
""",
        # always reads serving_default, whatever signature is asked for
        """
def signature_inputs(metadata, signature):
    spec_of = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"][
        "inputs"
    ]
    return {
        name: (
            spec["dtype"],
            [
                None if d["size"] == "-1" else int(d["size"])
                for d in spec["tensor_shape"]["dim"]
            ],
        )
        for name, spec in spec_of.items()
    }
""",
        # a missing signature raises a bare KeyError that does not list the available ones
        """
def signature_inputs(metadata, signature):
    spec_of = metadata["metadata"]["signature_def"]["signature_def"][signature]["inputs"]
    return {
        name: (
            spec["dtype"],
            [
                None if d["size"] == "-1" else int(d["size"])
                for d in spec["tensor_shape"]["dim"]
            ],
        )
        for name, spec in spec_of.items()
    }
""",
    ],
    "predict_with_label": [
        # never looks at the status code: a 4xx answer ends in KeyError: 'predictions'
        """
def predict_with_label(url, model_name, label, rows):
    path = f"{url}/v1/models/{model_name}/labels/{label}"
    version = int(httpx.get(path).json()["model_version_status"][0]["version"])
    predictions = httpx.post(f"{path}:predict", json={"instances": rows.tolist()}).json()[
        "predictions"
    ]
    return version, np.asarray(predictions, dtype=float).reshape(len(rows))
""",
        # raise_for_status: an httpx.HTTPStatusError without the server's error text,
        # not a ValueError
        """
def predict_with_label(url, model_name, label, rows):
    path = f"{url}/v1/models/{model_name}/labels/{label}"
    status = httpx.get(path)
    status.raise_for_status()
    reply = httpx.post(f"{path}:predict", json={"instances": rows.tolist()})
    reply.raise_for_status()
    version = int(status.json()["model_version_status"][0]["version"])
    return version, np.asarray(reply.json()["predictions"], dtype=float).reshape(len(rows))
""",
        # a ValueError with the status code only: the learner cannot tell what went wrong
        """
def predict_with_label(url, model_name, label, rows):
    path = f"{url}/v1/models/{model_name}/labels/{label}"
    status = httpx.get(path)
    if status.status_code >= 400:
        raise ValueError(f"HTTP {status.status_code}")
    reply = httpx.post(f"{path}:predict", json={"instances": rows.tolist()})
    if reply.status_code >= 400:
        raise ValueError(f"HTTP {reply.status_code}")
    version = int(status.json()["model_version_status"][0]["version"])
    return version, np.asarray(reply.json()["predictions"], dtype=float).reshape(len(rows))
""",
        # predicts with the latest version instead of the labelled one
        """
def predict_with_label(url, model_name, label, rows):
    def answer(reply):
        if reply.status_code >= 400:
            raise ValueError(f"HTTP {reply.status_code}: {reply.json()['error']}")
        return reply.json()

    version = int(
        answer(httpx.get(f"{url}/v1/models/{model_name}/labels/{label}"))[
            "model_version_status"
        ][0]["version"]
    )
    predictions = answer(
        httpx.post(f"{url}/v1/models/{model_name}:predict", json={"instances": rows.tolist()})
    )
    return version, np.asarray(predictions["predictions"], dtype=float).reshape(len(rows))
""",
        # the version as the server's string, not an int
        """
def predict_with_label(url, model_name, label, rows):
    path = f"{url}/v1/models/{model_name}/labels/{label}"

    def answer(reply):
        if reply.status_code >= 400:
            raise ValueError(f"HTTP {reply.status_code}: {reply.json()['error']}")
        return reply.json()

    version = answer(httpx.get(path))["model_version_status"][0]["version"]
    predictions = answer(httpx.post(f"{path}:predict", json={"instances": rows.tolist()}))[
        "predictions"
    ]
    return version, np.asarray(predictions, dtype=float).reshape(len(rows))
""",
    ],
    "predict_grpc": [
        # no float32 cast: float64 rows go out as a DT_DOUBLE tensor, which the float32 input
        # refuses
        """
def predict_grpc(address, model_name, rows, label):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    if label is not None:
        request.model_spec.version_label = label
    request.inputs["features"].CopyFrom(tf.make_tensor_proto(rows))
    with grpc.insecure_channel(address) as channel:
        try:
            response = prediction_service_pb2_grpc.PredictionServiceStub(channel).Predict(
                request, 10.0
            )
        except grpc.RpcError as error:
            raise ValueError(f"{error.code().name}: {error.details()}") from None
    return response.model_spec.version.value, tf.make_ndarray(response.outputs["risk"]).reshape(
        len(rows)
    )
""",
        # the label is never put in the model spec: always the latest version
        """
def predict_grpc(address, model_name, rows, label):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.inputs["features"].CopyFrom(tf.make_tensor_proto(np.asarray(rows, dtype="float32")))
    with grpc.insecure_channel(address) as channel:
        try:
            response = prediction_service_pb2_grpc.PredictionServiceStub(channel).Predict(
                request, 10.0
            )
        except grpc.RpcError as error:
            raise ValueError(f"{error.code().name}: {error.details()}") from None
    return response.model_spec.version.value, tf.make_ndarray(response.outputs["risk"]).reshape(
        len(rows)
    )
""",
        # the version as the Int64Value message, not an int
        """
def predict_grpc(address, model_name, rows, label):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    if label is not None:
        request.model_spec.version_label = label
    request.inputs["features"].CopyFrom(tf.make_tensor_proto(np.asarray(rows, dtype="float32")))
    with grpc.insecure_channel(address) as channel:
        try:
            response = prediction_service_pb2_grpc.PredictionServiceStub(channel).Predict(
                request, 10.0
            )
        except grpc.RpcError as error:
            raise ValueError(f"{error.code().name}: {error.details()}") from None
    return response.model_spec.version, tf.make_ndarray(response.outputs["risk"]).reshape(
        len(rows)
    )
""",
        # the risks as the server sends them: shape (n, 1), not one number per row
        """
def predict_grpc(address, model_name, rows, label):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    if label is not None:
        request.model_spec.version_label = label
    request.inputs["features"].CopyFrom(tf.make_tensor_proto(np.asarray(rows, dtype="float32")))
    with grpc.insecure_channel(address) as channel:
        try:
            response = prediction_service_pb2_grpc.PredictionServiceStub(channel).Predict(
                request, 10.0
            )
        except grpc.RpcError as error:
            raise ValueError(f"{error.code().name}: {error.details()}") from None
    return response.model_spec.version.value, tf.make_ndarray(response.outputs["risk"])
""",
        # the grpc.RpcError escapes: no ValueError
        """
def predict_grpc(address, model_name, rows, label):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    if label is not None:
        request.model_spec.version_label = label
    request.inputs["features"].CopyFrom(tf.make_tensor_proto(np.asarray(rows, dtype="float32")))
    with grpc.insecure_channel(address) as channel:
        response = prediction_service_pb2_grpc.PredictionServiceStub(channel).Predict(
            request, 10.0
        )
    return response.model_spec.version.value, tf.make_ndarray(response.outputs["risk"]).reshape(
        len(rows)
    )
""",
        # a ValueError with the details but not the status code: NOT_FOUND or INVALID_ARGUMENT?
        """
def predict_grpc(address, model_name, rows, label):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    if label is not None:
        request.model_spec.version_label = label
    request.inputs["features"].CopyFrom(tf.make_tensor_proto(np.asarray(rows, dtype="float32")))
    with grpc.insecure_channel(address) as channel:
        try:
            response = prediction_service_pb2_grpc.PredictionServiceStub(channel).Predict(
                request, 10.0
            )
        except grpc.RpcError as error:
            raise ValueError(error.details()) from None
    return response.model_spec.version.value, tf.make_ndarray(response.outputs["risk"]).reshape(
        len(rows)
    )
""",
    ],
    "deploy_version": [
        # serves the 0/1 class instead of the probability of default
        """
def deploy_version(models_dir, version, train):
    booster = joblib.load(Path(models_dir) / str(version) / "model.joblib")
    schema = {name: Feature(int if name in ("age", "late_payments") else float,
                            ge=train[name].min(), le=train[name].max()) for name in LOAN_FEATURES}
    return make_app(booster, schema, name=f"loans-v{version}")
""",
        # always loads version 1, whatever version is asked for
        """
def deploy_version(models_dir, version, train):
    booster = joblib.load(Path(models_dir) / "1" / "model.joblib")
    schema = {
        name: Feature(
            int if name in ("age", "late_payments") else float,
            ge=train[name].min(),
            le=train[name].max(),
        )
        for name in LOAN_FEATURES
    }
    return make_app(
        lambda rows: booster.predict_proba(rows)[:, 1], schema, name=f"loans-v{version}"
    )
""",
        # features in alphabetical order: the model gets its columns shuffled
        """
def deploy_version(models_dir, version, train):
    booster = joblib.load(Path(models_dir) / str(version) / "model.joblib")
    schema = {
        name: Feature(
            int if name in ("age", "late_payments") else float,
            ge=train[name].min(),
            le=train[name].max(),
        )
        for name in sorted(LOAN_FEATURES)
    }
    return make_app(
        lambda rows: booster.predict_proba(rows)[:, 1], schema, name=f"loans-v{version}"
    )
""",
        # no ranges: any value is accepted
        """
def deploy_version(models_dir, version, train):
    booster = joblib.load(Path(models_dir) / str(version) / "model.joblib")
    schema = {
        name: Feature(int if name in ("age", "late_payments") else float)
        for name in LOAN_FEATURES
    }
    return make_app(
        lambda rows: booster.predict_proba(rows)[:, 1], schema, name=f"loans-v{version}"
    )
""",
        # every feature a float: 1.5 late payments accepted
        """
def deploy_version(models_dir, version, train):
    booster = joblib.load(Path(models_dir) / str(version) / "model.joblib")
    schema = {
        name: Feature(float, ge=train[name].min(), le=train[name].max())
        for name in LOAN_FEATURES
    }
    return make_app(
        lambda rows: booster.predict_proba(rows)[:, 1], schema, name=f"loans-v{version}"
    )
""",
        # ranges from the global LOANS, not the train passed in
        """
def deploy_version(models_dir, version, train):
    booster = joblib.load(Path(models_dir) / str(version) / "model.joblib")
    schema = {
        name: Feature(
            int if name in ("age", "late_payments") else float,
            ge=LOANS[name].min(),
            le=LOANS[name].max(),
        )
        for name in LOAN_FEATURES
    }
    return make_app(
        lambda rows: booster.predict_proba(rows)[:, 1], schema, name=f"loans-v{version}"
    )
""",
    ],
}
