"""k8s_helpers.api.validation: YAML syntax, schema and server-side rules, in Spanish.

Every test asserts the concrete outcome: the field path, the line in the text,
the rule id and the key words of the Spanish message.
"""
import re
import textwrap

import pytest

from k8s_helpers.api.validation import Problem, ValidationResult, validate_objects, validate_text
from k8s_helpers.errors import ManifestError


def _v(text):
    return validate_text(textwrap.dedent(text).lstrip("\n"))


def _only(result, path):
    found = [p for p in result.problems if p.path == path]
    assert found, f"no problem at {path}; got:\n{result}"
    return found[0]


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
"""


# ---------------------------------------------------------------- valid input
def test_valid_deployment_and_service():
    r = _v(DEPLOYMENT)
    assert r.ok, str(r)
    assert r.problems == [] and len(r.documents) == 2
    assert r.documents[1]["spec"]["ports"][0]["nodePort"] == 30080
    assert str(r).startswith("El manifiesto es válido")


def test_flow_style_kyaml_is_read():
    r = _v("""
    ---
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {name: "p",},
      spec: {containers: [{name: "c", image: "nginx",},],},  # trailing commas
    }
    """)
    assert r.ok, str(r)


# ---------------------------------------------------------------- YAML syntax
def test_notes_service_port_outside_list_item():
    # The Service of the course notes (§10): `port:` sits under the dash of `- protocol: TCP`.
    r = _v("""
    apiVersion: v1
    kind: Service

    metadata:
      name: mi-bbdd-wp # este es el nombre del DNS

    spec:
        selector:
            app: mariadb
        ports:
            - protocol: TCP
            port: 3307          # Puerto de la IP de balanceo
            targetPort: 3306    # Puerto del pod
        type: ClusterIP
    """)
    assert not r.ok
    (p,) = r.problems
    assert p.path is None and p.line == 12 and p.column == 9
    assert "«port:»" in p.message and "- protocol: TCP" in p.message
    assert "«protocol:» (columna 11)" in p.message and "2 espacios más" in p.message
    assert "línea 12" in str(r)


def test_key_outside_list_item_at_list_indentation_gets_hint():
    # Same mistake one level up parses, but the schema then finds `port` in ServiceSpec.
    r = _v("""
    apiVersion: v1
    kind: Service
    metadata:
      name: s
    spec:
      ports:
      - protocol: TCP
      port: 80
    """)
    p = _only(r, "spec.port")
    assert p.line == 8
    assert "fuera del elemento" in p.message and "«ports»" in p.message
    assert _only(r, "spec.ports[0].port").message == "falta el campo obligatorio «port»"


def test_tabs_are_reported_with_every_line():
    r = validate_text("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n\tlabels: {}\n")
    (p,) = r.problems
    assert p.line == 4 and "tabuladores" in p.message and "líneas 4, 5" in p.message


def test_missing_space_after_colon():
    r = _v("""
    apiVersion: v1
    kind: Service
    metadata:
      name: s
    spec:
      ports:
      - port:80
        targetPort: 8080
    """)
    (p,) = r.problems
    assert p.line == 7  # the culprit's line, not the next one where PyYAML notices it
    assert "«port:80» debe escribirse «port: 80»" in p.message


def test_missing_space_after_colon_that_still_parses():
    r = _v("""
    apiVersion: v1
    kind: Service
    metadata:
      name: s
    spec:
      ports:
      - port:80
    """)
    p = _only(r, "spec.ports[0]")
    assert p.line == 7 and "«port: 80»" in p.message


def test_duplicated_keys_report_both_lines():
    r = _v("""
    apiVersion: v1
    kind: Pod
    metadata:
      name: a
      name: b
    spec:
      containers: [{name: c, image: nginx}]
    """)
    p = _only(r, "metadata.name")
    assert p.line == 5 and "líneas 4 y 5" in p.message and "repetida" in p.message
    assert p.kind == "Pod"


def test_unclosed_quote_points_to_where_it_opens():
    r = validate_text('apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\n  labels: {}\n')
    (p,) = r.problems
    assert (p.line, p.column) == (4, 9) and "comilla" in p.message


def test_unclosed_bracket():
    r = validate_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n"
                      "  - name: a\n    args: [\"a\", \"b\"\n    image: nginx\n")
    (p,) = r.problems
    assert p.line == 7 and "«[»" in p.message and "no se cierra" in p.message


def test_missing_colon():
    r = validate_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name x\n  labels: {}\n")
    (p,) = r.problems
    assert "le falta «:»" in p.message and "«name x»" in p.message and p.line == 4


def test_syntax_error_in_one_document_does_not_hide_the_others():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec: {containers: [{name: a, image: nginx}]}\n"
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n\tname: broken\n"
            "---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: Nodeport\n  ports: [{port: 80}]\n")
    r = validate_text(text)
    assert [p.document for p in r.problems] == [1, 2]
    assert r.problems[0].line == 9 and "tabuladores" in r.problems[0].message
    assert r.problems[1].path == "spec.type" and r.problems[1].line == 15


def test_billion_laughs_is_bounded():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    import time
    t = time.perf_counter()
    r = validate_text("\n".join(lines) + "\n")
    assert time.perf_counter() - t < 10
    assert not r.ok and "billion laughs" in r.problems[0].message


def test_recursive_alias_and_deep_nesting_do_not_crash():
    r = validate_text("a: &x [*x]\n")
    assert not r.ok
    r = validate_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert not r.ok and r.problems[0].message


def test_huge_input_is_capped():
    r = validate_text("a: b\n" * 300_000)
    (p,) = r.problems
    assert "máximo" in p.message


@pytest.mark.parametrize("bad", ["", "   \n# solo un comentario\n", None, 42, b"\xff\xfe", ["x"], "- a\n- b\n", "hola"])
def test_bad_input_never_raises(bad):
    r = validate_text(bad)
    assert isinstance(r, ValidationResult) and not r.ok
    assert all(isinstance(p, Problem) and p.message for p in r.problems)


# ---------------------------------------------------------------- schema
def test_all_schema_errors_at_once_with_did_you_mean():
    r = _v("""
    apiVersion: v1
    kind: Service
    metadata:
      name: mi-servicio
    spec:
      selector:
        app: web
      ports:
      - prt: 80
        protocol: TCP
      typo: x
    """)
    p = _only(r, "spec.ports[0].prt")
    assert p.line == 9 and p.document == 0 and p.kind == "Service" and p.name == "mi-servicio"
    assert "«prt» no existe" in p.message and "¿Quisiste decir «port»?" in p.message
    assert str(p) == ("Documento 1 (Service «mi-servicio»), línea 9, campo spec.ports[0].prt: "
                      "el campo «prt» no existe aquí. ¿Quisiste decir «port»? "
                      '[kubectl: strict decoding error: unknown field "spec.ports[0].prt"]')
    assert _only(r, "spec.typo").line == 11
    assert _only(r, "spec.ports[0].port").message.startswith("falta el campo obligatorio")
    assert len(r.problems) == 3
    assert str(r).splitlines()[0] == "Se han encontrado 3 problemas:"


def test_type_errors_say_how_to_fix():
    r = _v("""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: "3"
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          nodeSelector:
            gpu: true
          containers:
          - name: web
            image: nginx
            ports: {containerPort: 80}
    """)
    assert "Quita las comillas: 3" in _only(r, "spec.replicas").message
    p = _only(r, "spec.template.spec.nodeSelector.gpu")
    assert p.line == 11 and '"true"' in p.message and p.rule == "AFF-1"
    assert "«- »" in _only(r, "spec.template.spec.containers[0].ports").message


@pytest.mark.parametrize("api,kind,replacement", [
    ("extensions/v1beta1", "Deployment", "apps/v1"),
    ("apps/v1beta1", "Deployment", "apps/v1"),
    ("apps/v1beta2", "StatefulSet", "apps/v1"),
    ("extensions/v1beta1", "Ingress", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", "Ingress", "networking.k8s.io/v1"),
    ("batch/v1beta1", "CronJob", "batch/v1"),
    ("policy/v1beta1", "PodDisruptionBudget", "policy/v1"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", "rbac.authorization.k8s.io/v1"),
])
def test_removed_api_versions_name_their_replacement(api, kind, replacement):
    r = validate_objects({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}})
    (p,) = r.problems
    assert p.path == "apiVersion" and f"«apiVersion: {replacement}»" in p.message and "se eliminó" in p.message


def test_pod_security_policy_has_no_replacement():
    r = validate_objects({"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", "metadata": {"name": "x"}})
    (p,) = r.problems
    assert "sin sustituto" in p.message and "Pod Security Admission" in p.message


def test_unknown_kind_typo_and_wrong_group():
    r = validate_objects([{"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}},
                          {"apiVersion": "v1", "kind": "Deployment", "metadata": {"name": "x"}},
                          {"apiVersion": "v1", "kind": "pod", "metadata": {"name": "x"}}])
    assert "¿quisiste decir «Deployment»?" in r.problems[0].message
    assert "«apiVersion: apps/v1»" in r.problems[1].message
    assert "«Pod»" in r.problems[2].message


def test_custom_resources_are_a_warning_not_an_error():
    r = validate_objects({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                          "metadata": {"name": "x"}, "spec": {"anything": 1}})
    assert r.ok and r.problems == []
    (w,) = r.warnings
    assert "CRD" in w.message and w.severity == "aviso"
    assert "Avisos" in str(r)


def test_missing_kind_and_apiversion():
    r = validate_objects({"metadata": {"name": "x"}})
    assert {p.path for p in r.problems} == {"apiVersion", "kind"}


# ---------------------------------------------------------------- server-side rules
def test_quantity_256MB_is_rejected_res1():
    r = _v("""
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers:
      - name: c
        image: nginx
        resources:
          requests:
            memory: 256MB
    """)
    p = _only(r, "spec.containers[0].resources.requests.memory")
    assert p.line == 10 and p.rule == "RES-1" and "«256MB»" in p.message and "«M»" in p.message


def test_request_greater_than_limit():
    r = validate_objects({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "image": "nginx", "resources": {"requests": {"memory": "1Gi", "cpu": "250m"},
                                                     "limits": {"memory": "512Mi", "cpu": "0.5"}}}]}})
    (p,) = r.problems
    assert p.path == "spec.containers[0].resources.requests.memory" and p.rule == "RES-2"
    assert "1Gi" in p.message and "512Mi" in p.message and p.line is None


def test_selector_must_match_template_labels_rs1():
    r = _v(DEPLOYMENT.replace("      labels:\n        app: web\n    spec:", "      labels:\n        app: webapp\n    spec:"))
    p = _only(r, "spec.selector")
    assert p.rule == "RS-1" and p.line == 9 and "no coincide" in p.message and "app: webapp" in p.message


def test_deployment_without_selector_and_with_never():
    r = validate_objects({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {
        "template": {"metadata": {"labels": {"app": "a"}},
                     "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "nginx"}]}}}})
    msgs = {p.path: p for p in r.problems}
    assert msgs["spec.selector"].rule == "RS-1"
    assert msgs["spec.template.spec.restartPolicy"].rule == "RS-1" and "Always" in msgs["spec.template.spec.restartPolicy"].message


def test_job_restart_policy_job1():
    base = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}
    r = validate_objects(base)
    (p,) = r.problems
    assert p.path == "spec.template.spec.restartPolicy" and p.rule == "JOB-1" and "Always" in p.message
    base["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    assert validate_objects(base).problems[0].rule == "JOB-1"
    base["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    assert validate_objects(base).ok


def test_service_type_enum_and_nodeport_range_svc2():
    r = _v("""
    apiVersion: v1
    kind: Service
    metadata: {name: s}
    spec:
      type: Nodeport
      ports:
      - port: 80
        nodePort: 99999
    """)
    t = _only(r, "spec.type")
    assert t.rule == "SVC-2" and "¿Quisiste decir «NodePort»?" in t.message and t.line == 5
    n = _only(r, "spec.ports[0].nodePort")
    assert n.rule == "SVC-2" and "30000-32767" in n.message and n.line == 8


def test_nodeport_on_clusterip_is_rejected():
    r = validate_objects({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                          "spec": {"ports": [{"port": 80, "nodePort": 30001}]}})
    (p,) = r.problems
    assert p.path == "spec.ports[0].nodePort" and "ClusterIP" in p.message


def test_toleration_operator_in_is_rejected_tnt1():
    # The notes' example: `operator: In` with `values:` (reference §10).
    r = _v("""
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      containers: [{name: c, image: nginx}]
      tolerations:
      - key: gpu
        operator: In
        values: ["true"]
        effect: NoSchedule
    """)
    op = _only(r, "spec.tolerations[0].operator")
    assert op.rule == "TNT-1" and "«Equal»" in op.message and "«Exists»" in op.message and op.line == 8
    assert "¿Quisiste decir «value»?" in _only(r, "spec.tolerations[0].values").message


def test_restart_policy_enum_and_label_and_name_syntax():
    r = validate_objects({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "Mi_Pod", "labels": {"app": "-web-"}},
                          "spec": {"restartPolicy": "always", "containers": [{"name": "C1", "image": "nginx"}]}})
    by = {p.path: p for p in r.problems}
    assert by["metadata.name"].rule == "DNS-1123" and "«Mi_Pod»" in by["metadata.name"].message
    assert by["metadata.labels.app"].rule == "AFF-1"
    assert "¿Quisiste decir «Always»?" in by["spec.restartPolicy"].message
    assert by["spec.containers[0].name"].rule == "DNS-1123"


def test_service_name_must_start_with_letter():
    r = validate_objects({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "1web"},
                          "spec": {"ports": [{"port": 80}]}})
    (p,) = r.problems
    assert p.path == "metadata.name" and "empezando por una letra" in p.message


def test_probe_rules_prb1():
    r = validate_objects({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "image": "nginx",
         "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "successThreshold": 2},
         "startupProbe": {"tcpSocket": {"port": 80}, "successThreshold": 3},
         "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "exec": {"command": ["true"]},
                            "successThreshold": 2}}]}})
    by = {p.path: p for p in r.problems}
    assert by["spec.containers[0].livenessProbe.successThreshold"].rule == "PRB-1"
    assert by["spec.containers[0].startupProbe.successThreshold"].rule == "PRB-1"
    # validateHandler checks exec, httpGet, tcpSocket, grpc in that order: the second one is reported
    assert "un tipo de comprobación" in by["spec.containers[0].readinessProbe.httpGet"].message
    assert "spec.containers[0].readinessProbe.successThreshold" not in by  # readiness may use > 1
    assert len(r.problems) == 3


def test_image_required_img3_and_empty_containers():
    r = validate_objects({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                          "spec": {"containers": [{"name": "c"}]}})
    (p,) = r.problems
    assert p.path == "spec.containers[0].image" and p.rule == "IMG-3"


def test_node_affinity_operators_aff1():
    r = validate_objects({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "containers": [{"name": "c", "image": "nginx"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "size", "operator": "Gt", "values": ["big"]},
                                  {"key": "zone", "operator": "Equals", "values": ["a"]}]}]}}}}})
    paths = {p.path: p for p in r.problems}
    base = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
    assert paths[base + ".matchExpressions[0].values"].rule == "AFF-1"
    assert paths[base + ".matchExpressions[1].operator"].rule == "AFF-1"


def test_ingress_path_type_required():
    r = validate_objects({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"},
                          "spec": {"rules": [{"http": {"paths": [
                              {"path": "/", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}})
    assert any(p.path.endswith("pathType") and p.rule == "ING-1" for p in r.problems)


def test_cronjob_schedule_cj1():
    r = validate_objects({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {
        "schedule": "*/5 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}})
    (p,) = r.problems
    assert p.path == "spec.schedule" and "5" in p.message and p.rule == "CJ-1"


def test_report_lists_every_problem_sorted_by_document_and_line():
    text = textwrap.dedent(DEPLOYMENT).lstrip("\n").replace("memory: 256Mi}", "memory: 256MB}").replace("type: NodePort", "type: nodeport")
    r = validate_text(text)
    lines = str(r).splitlines()
    assert lines[0] == "Se han encontrado 2 problemas:"
    assert lines[1].startswith("- Documento 1 (Deployment «web»), línea 24")
    assert lines[2].startswith("- Documento 2 (Service «web»), línea 31, campo spec.type")


def test_manifest_error_carries_the_same_report():
    r = validate_objects({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                          "spec": {"type": "Nodeport", "ports": [{"port": 80}]}})
    e = ManifestError(r)
    assert isinstance(e, ValueError) and e.problems == r.problems and str(e) == str(r)


def test_kind_list_items_are_validated_one_by_one():
    r = validate_text("apiVersion: v1\r\nkind: List\r\nitems:\r\n- apiVersion: v1\r\n  kind: Service\r\n"
                      "  metadata: {name: s}\r\n  spec: {type: Nodeport, ports: [{port: 80}]}\r\n")
    (p,) = r.problems
    assert p.path == "items[0].spec.type" and p.line == 7 and p.kind == "Service"


def test_bits_instead_of_bytes_notes_mistake():
    # §10: `1 Gb` vs `1 GB`; Kubernetes uses G (10^9 bytes) and Gi (2^30 bytes).
    r = validate_objects({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "image": "nginx", "resources": {"limits": {"memory": "1Gb"}}}]}})
    (p,) = r.problems
    assert "bits" in p.message and "«Gi»" in p.message and p.rule == "RES-1"


def test_controller_without_pod_template_spec():
    r = validate_objects({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                          "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}}}})
    (p,) = r.problems
    assert p.path == "spec.template.spec" and p.rule == "RS-1"


def test_statefulset_claim_templates_count_as_volumes():
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {
        "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
        "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [
            {"name": "db", "image": "mariadb", "volumeMounts": [{"name": "data", "mountPath": "/var/lib/mysql"}]}]}},
        "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
            "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}
    assert validate_objects(sts).ok
    sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["name"] = "dato"
    (p,) = validate_objects(sts).problems
    assert "«dato»" in p.message and "«data»" in p.message


def test_cronjob_schedules_agree_with_conformance_cron_json():
    import json
    from pathlib import Path
    from k8s_helpers.api.validation.rules.workloads import cron_schedule_error
    data = json.loads((Path(__file__).resolve().parents[2] / "shared" / "conformance" / "cron.json").read_text())
    for case in data["parse_cases"]:
        err = cron_schedule_error(case["spec"])
        assert (err is None) == case["kubernetes_create_valid"], (case["spec"], err)
        if err is not None:
            assert isinstance(err, str) and err


def test_yaml11_booleans_are_quoted_back_as_written():
    r = validate_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {disk: yes}\n"
                      "  containers:\n  - name: c\n    image: busybox\n    command: \"sleep 3600\"\n")
    sel = _only(r, "spec.nodeSelector.disk")
    assert '"yes"' in sel.message and "booleano" in sel.message and sel.rule == "AFF-1"
    assert '["sleep", "3600"]' in _only(r, "spec.containers[0].command").message


# ----------------------------------------------------------------------------- the API server's own text
def test_field_error_text_is_apimachinery_s():
    from k8s_helpers.api.validation import apierror as E
    p = E.path("spec", "resources").key("storage")
    assert str(E.invalid(p, "0", "must be greater than zero")) == \
        'spec.resources[storage]: Invalid value: "0": must be greater than zero'
    assert str(E.required(E.path("spec", "rules", 0, "http", "paths"))) == "spec.rules[0].http.paths: Required value"
    assert str(E.not_supported(E.path("spec", "type"), "x", ["B", "A"])) == \
        'spec.type: Unsupported value: "x": supported values: "B", "A"'
    assert str(E.forbidden(E.path("spec", "clusterIPs"), "may not be set")) == "spec.clusterIPs: Forbidden: may not be set"
    assert str(E.invalid(E.path("spec"), None, "d")) == "spec: Invalid value: null: d"
    assert str(E.invalid(E.path("port"), 70000, "d")) == "port: Invalid value: 70000: d"
    assert str(E.too_long(E.path("data"), 1048576)) == "data: Too long: may not be more than 1048576 bytes"
    # Go's strconv.Quote: printable runes kept, the rest escaped
    assert E.go_quote('a\u00a0b\x00"ñ') == '"a\\u00a0b\\x00\\"ñ"'


def test_apimachinery_messages():
    from k8s_helpers.api.validation import apierror as E
    assert E.dns1123_label("a.b") == ["must not contain dots"]
    assert E.config_map_key("..data") == ["must not start with '..'"]
    assert E.port_name("HTTP") == ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                                   "must contain at least one letter (a-z)"]
    assert E.qualified_name("a/b/c")[0].startswith("a qualified name must consist of")
    assert E.env_var_name("A=B") == ["a valid environment variable name must consist only of printable ASCII "
                                     "characters other than '='"]


def test_each_problem_shows_the_api_text_beside_the_spanish():
    r = _v("""
    apiVersion: v1
    kind: Service
    metadata: {name: s}
    spec:
      type: NodePort
      clusterIP: None
      ports: [{port: 80}]
    """)
    (p,) = r.problems
    assert p.rule == "SVC-2" and p.api == "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
    assert str(p).endswith(f"[kubectl: {p.api}]")
    assert p.to_dict()["api"] == p.api


def test_rule_ids_stay_data_and_never_reach_the_text():
    r = _v("""
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: Web_1}
    spec:
      selector: {app: web}
      template:
        metadata: {labels: {app: web}}
        spec:
          restartPolicy: Never
          containers:
          - name: web
            image: nginx
            resources: {limits: {memory: 256MB}}
            livenessProbe: {tcpSocket: {port: 80}, successThreshold: 3}
    """)
    rules = {p.rule for p in r.problems}
    assert {"DNS-1123", "RS-1", "RES-1", "PRB-1"} <= rules
    text = str(r)
    assert not re.search(r"\((?:[A-Z]{2,4}-\d+|DNS-1123)\)", text), text


def test_api_server_warnings_are_warnings_not_errors():
    r = _v("""
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      terminationGracePeriodSeconds: -5
      containers:
      - name: c
        image: nginx
        resources: {requests: {memory: 100m}}
    """)
    assert r.ok and [w.path for w in r.warnings] == ["spec.terminationGracePeriodSeconds",
                                                     "spec.containers[0].resources.requests.memory"]
    assert all(w.api.startswith("Warning: ") for w in r.warnings)
    assert str(r).startswith("No se ha encontrado ningún error (lee los avisos).")
