"""The user code of :func:`mlep.deployment.pipelines.training_pipeline` (Course 4, week 3).

TFX imports two functions from a module by their dotted path: ``preprocessing_fn`` for
``Transform`` and ``run_fn`` for ``Trainer``. This module holds them for the hospital
readmission sample that :func:`mlep.deployment.pipelines.sample_data` writes: z-scored counts,
age and insulin as vocabulary ids, and a binary label ``readmitted`` (1 = readmitted at all).

``run_fn`` trains a tiny tf-keras model for ``custom_config["epochs"]`` epochs and saves it with
two signatures: ``serving_default`` takes the raw features by name (what the model server and
its clients send) and ``serving_examples`` takes serialized ``tf.Example`` records (what the
TFX ``Evaluator`` feeds). Both apply the exported TF Transform graph, so serving uses exactly
the training statistics. TensorFlow is imported only inside the functions.
"""

from __future__ import annotations

from mlep.data.features import for_tfx, identity, vocabulary, z_score

__all__ = ["CATEGORICAL", "LABEL", "NUMERIC", "SPEC", "preprocessing_fn", "run_fn"]

NUMERIC = ("time_in_hospital", "num_lab_procedures", "num_medications", "number_inpatient")
CATEGORICAL = ("age", "insulin")
LABEL = "readmitted"
_ONE_HOT = 16  # ids of a vocabulary: 10 age brackets or 4 insulin values, plus 1 out-of-vocabulary

SPEC = {
    **{f"{c}_z": z_score(c) for c in NUMERIC},
    **{f"{c}_id": vocabulary(c, num_oov_buckets=1) for c in CATEGORICAL},
    LABEL: identity(LABEL),
}
preprocessing_fn = for_tfx(SPEC)

DEFAULTS = {"epochs": 2, "learning_rate": 0.01, "units": 8, "batch_size": 32, "seed": 0}


def _build(config: dict):
    import tf_keras as keras

    inputs = {f"{c}_z": keras.Input((), name=f"{c}_z") for c in NUMERIC}
    inputs |= {f"{c}_id": keras.Input((), name=f"{c}_id", dtype="int64") for c in CATEGORICAL}
    parts = [keras.layers.Reshape((1,))(inputs[f"{c}_z"]) for c in NUMERIC]
    parts += [
        keras.layers.CategoryEncoding(_ONE_HOT, output_mode="one_hot")(inputs[f"{c}_id"])
        for c in CATEGORICAL
    ]
    x = keras.layers.Concatenate()(parts)
    x = keras.layers.Dense(config["units"], activation="relu")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        keras.optimizers.Adam(config["learning_rate"]), "binary_crossentropy", metrics=["accuracy"]
    )
    return model


def _as_raw(tf, x, spec):
    """A 1-D request tensor in the form the raw feature spec gives the transform graph."""
    if isinstance(spec, tf.io.VarLenFeature):  # how TFX reads a column that may be empty
        n = tf.shape(x, out_type=tf.int64)[0]
        indices = tf.stack([tf.range(n), tf.zeros([n], tf.int64)], axis=1)
        return tf.SparseTensor(indices, x, tf.stack([n, tf.constant(1, tf.int64)]))
    return tf.reshape(x, [-1, *spec.shape])


def _signatures(tf, model, transform_output):
    raw_spec = transform_output.raw_feature_spec()
    raw_spec.pop(LABEL)
    model.tft_layer = transform_output.transform_features_layer()  # tracked: saved with the model

    def predict(raw):
        transformed = model.tft_layer(raw)
        transformed.pop(LABEL, None)
        return {"outputs": model(transformed)}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="examples")])
    def serving_examples(examples):
        return predict(tf.io.parse_example(examples, raw_spec))

    names = sorted(raw_spec)
    specs = [tf.TensorSpec([None], raw_spec[n].dtype, name=n) for n in names]

    @tf.function(input_signature=specs)
    def serving_default(*columns):
        return predict({n: _as_raw(tf, c, raw_spec[n]) for n, c in zip(names, columns)})

    # a signature's inputs are named after its TensorSpecs: age, insulin, time_in_hospital, ...
    return {"serving_default": serving_default, "serving_examples": serving_examples}


def run_fn(fn_args) -> None:
    """TFX Trainer's user function: train on the transformed examples, save with both signatures."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    import tensorflow_transform as tft
    import tf_keras as keras
    from tfx_bsl.public import tfxio

    config = {**DEFAULTS, **(fn_args.custom_config or {})}
    keras.utils.set_random_seed(config["seed"])
    transform_output = tft.TFTransformOutput(fn_args.transform_output)
    schema = transform_output.transformed_metadata.schema

    def dataset(files, shuffle):
        options = tfxio.TensorFlowDatasetOptions(
            batch_size=config["batch_size"],
            label_key=LABEL,
            num_epochs=1,
            shuffle=shuffle,
            shuffle_seed=config["seed"],
        )
        return fn_args.data_accessor.tf_dataset_factory(files, options, schema)

    model = _build(config)
    model.fit(
        dataset(fn_args.train_files, True),
        validation_data=dataset(fn_args.eval_files, False),
        epochs=config["epochs"],
        verbose=0,
    )
    model.save(
        fn_args.serving_model_dir,
        save_format="tf",
        signatures=_signatures(tf, model, transform_output),
    )
