"""The C3W3 TFJob manifest: built for the multi-worker lab, checked against the course's schema.

The schema (lib/mlep/modeling/distributed_tfjob.schema.json) was written from the Kubeflow
training operator's API types and admission checks; these tests check that it accepts the
manifests the operator's own examples describe and refuses what the operator refuses.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from mlep.exceptions import MlepError
from mlep.modeling import distributed_tfjob as J
from mlep.modeling.multiworker import tf_config


def _job(**kwargs):
    options = {"image": "registry.local/mlep:1.0", "command": ["python", "train.py"]} | kwargs
    return J.tfjob_manifest("readmission-train", **options)


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(J.tfjob_schema())


def test_the_lab_job_has_two_workers_with_a_tensorflow_container():
    job = _job(workers=2)
    assert job["apiVersion"] == "kubeflow.org/v1" and job["kind"] == "TFJob"
    [(kind, spec)] = job["spec"]["tfReplicaSpecs"].items()
    assert (kind, spec["replicas"], spec["restartPolicy"]) == ("Worker", 2, "OnFailure")
    [container] = spec["template"]["spec"]["containers"]
    assert container["name"] == "tensorflow" and container["image"] == "registry.local/mlep:1.0"
    assert container["ports"] == [{"name": "tfjob-port", "containerPort": 2222}]
    assert "env" not in container  # the operator sets TF_CONFIG
    # a YAML round trip (what kubectl apply reads) gives the same, still valid, manifest
    assert J.validate_tfjob(yaml.safe_load(yaml.safe_dump(job))) == job


def test_chief_worker_and_ps_replicas():
    job = _job(workers=3, chief=True, ps=2, restart_policy="ExitCode")
    specs = job["spec"]["tfReplicaSpecs"]
    assert {k: v["replicas"] for k, v in specs.items()} == {"Chief": 1, "Worker": 3, "PS": 2}
    assert {v["restartPolicy"] for v in specs.values()} == {"ExitCode"}


def test_tf_config_matches_the_operators_and_the_loopback_one():
    job = _job(workers=2, chief=True, namespace="ml")
    config = J.cluster_tf_config(job, "Worker", 1)
    assert config == {
        "cluster": {
            "chief": ["readmission-train-chief-0.ml.svc:2222"],
            "worker": [
                "readmission-train-worker-0.ml.svc:2222",
                "readmission-train-worker-1.ml.svc:2222",
            ],
        },
        "task": {"type": "worker", "index": 1},
        "environment": "cloud",
    }
    # the loopback cluster of C3W3's multi_worker_train has the same shape
    loopback = json.loads(tf_config([20001, 20002], 1))
    assert loopback["task"] == config["task"] and len(loopback["cluster"]["worker"]) == 2
    with pytest.raises(ValueError, match="below Worker's 2 replicas"):
        J.cluster_tf_config(job, "Worker", 2)
    with pytest.raises(ValueError, match="replica_type"):
        J.cluster_tf_config(job, "PS", 0)


def _broken(change):
    job = copy.deepcopy(_job(workers=2))
    change(job)
    return job


def _container(job):
    return job["spec"]["tfReplicaSpecs"]["Worker"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda j: j.update(apiVersion="kubeflow.org/v1beta2"), "apiVersion"),
        (lambda j: j.update(kind="PyTorchJob"), "kind"),
        (lambda j: j["metadata"].update(name="Readmission_Train"), "metadata.name"),
        (
            lambda j: j["metadata"].update(name="9lives"),
            "metadata.name",
        ),  # DNS-1035: a letter first
        (lambda j: j["spec"].update(tfReplicaSpecs={}), "spec.tfReplicaSpecs"),
        (
            lambda j: j["spec"]["tfReplicaSpecs"].update(
                worker=j["spec"]["tfReplicaSpecs"]["Worker"]
            ),
            "spec.tfReplicaSpecs",
        ),  # replica types are case-sensitive
        (
            lambda j: j["spec"]["tfReplicaSpecs"].update(
                Chief=copy.deepcopy(j["spec"]["tfReplicaSpecs"]["Worker"]),
                Master=copy.deepcopy(j["spec"]["tfReplicaSpecs"]["Worker"]),
            ),
            "spec.tfReplicaSpecs",
        ),
        (
            lambda j: j["spec"]["tfReplicaSpecs"]["Worker"].update(restartPolicy="Sometimes"),
            "spec.tfReplicaSpecs.Worker.restartPolicy",
        ),
        (
            lambda j: j["spec"]["tfReplicaSpecs"]["Worker"].update(replicas=-1),
            "spec.tfReplicaSpecs.Worker.replicas",
        ),
        (
            lambda j: j["spec"]["tfReplicaSpecs"]["Worker"].update(replicas="2"),
            "spec.tfReplicaSpecs.Worker.replicas",
        ),
        (
            lambda j: _container(j).update(name="trainer"),
            "spec.tfReplicaSpecs.Worker.template.spec.containers",
        ),
        (
            lambda j: _container(j).update(image=""),
            "spec.tfReplicaSpecs.Worker.template.spec.containers.0.image",
        ),
        (
            lambda j: _container(j).pop("image"),
            "spec.tfReplicaSpecs.Worker.template.spec.containers.0",
        ),
        (
            lambda j: j["spec"]["tfReplicaSpecs"]["Worker"]["template"]["spec"].update(
                containers=[]
            ),
            "spec.tfReplicaSpecs.Worker.template.spec.containers",
        ),
        (
            lambda j: _container(j)["resources"]["limits"].update(memory="2 GB"),
            "spec.tfReplicaSpecs.Worker.template.spec.containers.0.resources.limits.memory",
        ),
        (
            lambda j: j["spec"]["runPolicy"].update(cleanPodPolicy="Everything"),
            "spec.runPolicy.cleanPodPolicy",
        ),
        (lambda j: j["spec"].update(tfReplicaSpec={}), "spec"),  # a typo: an unknown field
    ],
)
def test_the_schema_refuses_what_the_operator_refuses(change, where):
    job = _broken(change)
    with pytest.raises(J.TFJobError, match=rf"(?m)^  {where}: ") as raised:
        J.validate_tfjob(job)
    assert isinstance(raised.value, MlepError) and isinstance(raised.value, ValueError)


def test_the_operators_documented_example_is_accepted():
    """The shape of the training operator's dist-mnist example (PS + Worker, restartPolicy
    Never)."""
    job = {
        "apiVersion": "kubeflow.org/v1",
        "kind": "TFJob",
        "metadata": {"name": "dist-mnist-for-e2e-test", "namespace": "kubeflow"},
        "spec": {
            "tfReplicaSpecs": {
                kind: {
                    "replicas": n,
                    "restartPolicy": "Never",
                    "template": {
                        "spec": {
                            "containers": [
                                {
                                    "name": "tensorflow",
                                    "image": "kubeflow/tf-dist-mnist-test:latest",
                                }
                            ]
                        }
                    },
                }
                for kind, n in {"PS": 2, "Worker": 4}.items()
            }
        },
    }
    assert J.validate_tfjob(job) is job


# Verbatim from kubeflow/training-operator (examples/tensorflow/simple.yaml and
# examples/tensorflow/distribution_strategy/keras-API/multi_worker_tfjob.yaml): the operator's own
# documented manifests, with volumes, volume mounts and an integer GPU limit our builder never
# writes.
OPERATOR_EXAMPLES = {
    "simple": """
apiVersion: "kubeflow.org/v1"
kind: TFJob
metadata:
  name: tfjob-simple
  namespace: kubeflow
spec:
  tfReplicaSpecs:
    Worker:
      replicas: 2
      restartPolicy: OnFailure
      template:
        spec:
          containers:
            - name: tensorflow
              image: docker.io/kubeflowkatib/tf-mnist-with-summaries:latest
              command:
              - "python"
              - "/opt/tf-mnist-with-summaries/mnist.py"
              - "--epochs=1"
""",
    "multi_worker": """
apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: multi-worker
spec:
  runPolicy:
    cleanPodPolicy: None
  tfReplicaSpecs:
    Worker:
      replicas: 2
      restartPolicy: Never
      template:
        spec:
          containers:
            - name: tensorflow
              image: kubeflowimages/multi_worker_strategy:v20200522-2a5b081c
              volumeMounts:
                - mountPath: /train
                  name: training
              resources:
                limits:
                  nvidia.com/gpu: 1
          volumes:
            - name: training
              persistentVolumeClaim:
                claimName: strategy-volume
""",
}


@pytest.mark.parametrize("example", sorted(OPERATOR_EXAMPLES))
def test_the_operators_own_example_files_are_accepted(example):
    job = yaml.safe_load(OPERATOR_EXAMPLES[example])
    assert J.validate_tfjob(job) is job
    config = J.cluster_tf_config(job, "Worker", 1)
    name, namespace = job["metadata"]["name"], job["metadata"].get("namespace", "default")
    assert config["cluster"] == {
        "worker": [f"{name}-worker-{i}.{namespace}.svc:2222" for i in (0, 1)]
    }


def test_tf_config_uses_each_replica_types_own_tfjob_port():
    job = _job(workers=2, ps=1)
    ps = job["spec"]["tfReplicaSpecs"]["PS"]["template"]["spec"]["containers"][0]
    ps["ports"] = [
        {"name": "metrics", "containerPort": 9090},
        {"name": "tfjob-port", "containerPort": 3333},
    ]
    del _container(job)["ports"]  # no tfjob-port: the operator's default, 2222
    cluster = J.cluster_tf_config(job, "PS", 0)["cluster"]
    assert cluster["ps"] == ["readmission-train-ps-0.default.svc:3333"]
    assert cluster["worker"][0] == "readmission-train-worker-0.default.svc:2222"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"workers": 0}, ValueError, "workers must be at least 1"),
        ({"restart_policy": "Sometimes"}, ValueError, "restart_policy"),
        ({"command": "python train.py"}, TypeError, "command must be a list"),
        ({"env": {"TF_CONFIG": "{}"}}, ValueError, "TF_CONFIG"),
        ({"chief": 1}, TypeError, "chief"),
        ({"memory": "lots"}, J.TFJobError, "memory"),
    ],
)
def test_bad_arguments_are_refused_with_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        _job(**kwargs)


def test_validate_refuses_a_non_dict():
    with pytest.raises(TypeError, match="manifest must be a dict"):
        J.validate_tfjob(yaml.safe_dump(_job()))


def test_violations_are_said_plainly():
    job = _broken(lambda j: _container(j).update(name="trainer"))
    job["spec"]["tfReplicaSpecs"]["Chief"] = copy.deepcopy(job["spec"]["tfReplicaSpecs"]["Worker"])
    job["spec"]["tfReplicaSpecs"]["Master"] = copy.deepcopy(job["spec"]["tfReplicaSpecs"]["Worker"])
    job["spec"]["tfReplicaSpec"] = {}
    with pytest.raises(J.TFJobError) as raised:
        J.validate_tfjob(job)
    message = str(raised.value)
    assert "Worker.template.spec.containers: no container is named 'tensorflow'" in message
    assert "spec.tfReplicaSpecs: at most one of Chief and Master" in message
    assert "spec: unknown field(s) ('tfReplicaSpec' was unexpected)" in message
    assert "train.py" not in message  # the offending value is not dumped
