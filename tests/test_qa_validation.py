"""Adversarial regression tests for check_manifest: broken manifests as a hidden check would write.

Each test states what a real API server / kubectl does (rule id of
shared/reference/kubernetes-semantics.md or the upstream source) and asserts the
outcome: the problem, its field path, its 1-based line and the key words of the
Spanish message.
"""
import textwrap

import pytest

from autograder import check_manifest


def _check(text):
    return check_manifest(textwrap.dedent(text).lstrip("\n"))


def _at(report, path):
    """The problems reported at `path`."""
    return [p for p in report.problems if p.path == path]


def _one(report, path):
    found = _at(report, path)
    assert len(found) == 1, (path, [str(p) for p in report.problems])
    return found[0]


# ----------------------------------------------------------------------------- YAML syntax
def test_value_with_colon_space_asks_for_quotes():
    # `msg: hola: mundo` is a YAML error (a second mapping on one line); quoting fixes it.
    r = _check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        data:
          msg: hola: mundo
        """)
    (p,) = r.problems
    assert p.path is None and p.line == 6
    assert "entre comillas" in p.message and 'msg: "hola: mundo"' in p.message
    assert "sangría" not in p.message


def test_missing_space_after_colon_in_a_list_item_key():
    # `image:nginx` inside a list item: PyYAML says "could not find expected ':'".
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: web
            image:nginx
            ports:
            - containerPort: 80
        """)
    (p,) = r.problems
    assert p.path is None and p.line == 8
    assert "«image: nginx»" in p.message and "espacio" in p.message


def test_missing_space_after_dash():
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          -name: web
           image: nginx
        """)
    (p,) = r.problems
    assert p.path is None and p.line == 7  # the culprit's line (PyYAML notices it on line 8)
    assert "«- name: web»" in p.message and "guion" in p.message


def test_service_port_at_the_dash_column_of_an_unindented_list():
    # Variant of the notes' Service with `ports:` items not indented: `port:` at the column of
    # `- protocol: TCP` becomes a key of `spec` and `targetPort:` (deeper) cannot follow it.
    r = _check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: mariadb
        spec:
          selector:
            app: mariadb
          ports:
          - protocol: TCP
          port: 3307
            targetPort: 3306
        """)
    (p,) = r.problems
    assert p.path is None and p.line == 11
    assert "«port:» (línea 10)" in p.message and "fuera del elemento «- protocol: TCP»" in p.message
    assert "alinéalo con «protocol:» (columna 5)" in p.message


def test_duplicate_key_on_one_flow_line_says_so():
    r = _check("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, name: b}
        """)
    p = _one(r, "metadata.name")
    assert p.line == 3 and "dos veces en la línea 3" in p.message


def test_template_placeholder_key_stops_that_document_only():
    # `name: {{ name }}` makes a map used as a key: sigs.k8s.io/yaml cannot turn the document into
    # JSON, so kubectl rejects it whole; no schema noise about that document, the next one is checked.
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{ name }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: Bad
        """)
    assert [(p.document, p.path, p.line) for p in r.problems] == [(0, None, 4), (1, "metadata.name", 9)]
    assert "plantilla" in r.problems[0].message


# ----------------------------------------------------------------------------- YAML typing (kubectl = go-yaml v2)
@pytest.mark.parametrize("literal", ["y", "n", "N", "0o17", "1e3"])
def test_plain_scalars_kubectl_reads_as_non_strings_are_rejected(literal):
    # sigs.k8s.io/yaml (go-yaml v2 resolve.go): y/n are booleans, 0o17 and 1e3 numbers: a string
    # field such as ConfigMap data rejects them.
    r = _check(f"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        data:
          value: {literal}
        """)
    p = _one(r, "data.value")
    assert p.line == 6 and f'"{literal}"' in p.message


@pytest.mark.parametrize("literal", ["12:30", "1:30:00", "2024-01-01", "1.0.0", "v1"])
def test_plain_scalars_kubectl_keeps_as_strings_are_accepted(literal):
    # go-yaml v2 has no base-60 numbers (PyYAML reads 12:30 as 750) and keeps dates as strings.
    r = _check(f"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        data:
          value: {literal}
        """)
    assert r.ok, str(r)
    assert r.documents[0]["data"]["value"] == literal


def test_float_where_an_integer_goes_is_accepted_when_whole():
    # `replicas: 3.0` is the JSON number 3 after sigs.k8s.io/yaml: the API server accepts it.
    r = _check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3.0
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx
        """)
    assert r.ok, str(r)


# ----------------------------------------------------------------------------- merge keys
def test_merge_key_explicit_field_is_reported_at_its_own_line():
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
          - &c
            name: web
            image: nginx
          - <<: *c
            name: Web2
            imagePullPolicy: always
        """)
    assert _one(r, "spec.containers[1].name").line == 10
    assert _one(r, "spec.containers[1].imagePullPolicy").line == 11


def test_problem_inside_an_anchor_reused_by_an_alias_is_reported_once():
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
          - &c
            name: web
            image: nginx
            image: nginx
          - <<: *c
            name: web2
        """)
    dups = [p for p in r.problems if "repetida" in p.message]
    assert len(dups) == 1 and dups[0].line == 9


def test_merge_keys_are_legal():
    r = _check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: &labels
            app: web
        spec:
          selector:
            matchLabels: *labels
          template:
            metadata:
              labels: *labels
            spec:
              containers:
              - &base
                name: web
                image: nginx
                resources: &res
                  limits: {cpu: 500m, memory: 128Mi}
              - <<: *base
                name: sidecar
                resources:
                  <<: *res
                  requests: {cpu: 100m}
        """)
    assert r.ok, str(r)


# ----------------------------------------------------------------------------- apiVersion / kind
@pytest.mark.parametrize("wrong,right,line", [("Kind", "kind", 2), ("apiversion", "apiVersion", 1),
                                              ("ApiVersion", "apiVersion", 1)])
def test_misspelt_apiversion_or_kind_key_is_named(wrong, right, line):
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - {name: a, image: b}\n"
    text = text.replace(f"{right}:", f"{wrong}:")
    r = check_manifest(text)
    (p,) = r.problems
    assert p.path == wrong and p.line == line
    assert f"falta «{right}»" in p.message and f"«{wrong}»" in p.message and "mayúsculas" in p.message


# ----------------------------------------------------------------------------- one message per mistake
def test_missing_selector_is_reported_once():
    r = _check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - {name: web, image: nginx}
        """)
    p = _one(r, "spec.selector")
    assert p.rule == "RS-1" and p.line == 5


@pytest.mark.parametrize("kind,api,allowed", [("Deployment", "apps/v1", "«Always»"),
                                              ("Job", "batch/v1", "«OnFailure» o «Never»")])
def test_template_restart_policy_with_wrong_case_is_reported_once(kind, api, allowed):
    # The API server says Unsupported value for the Pod enum and for the controller (RS-1, JOB-1):
    # one message names both and suggests the right case.
    extra = "" if kind == "Job" else "  selector: {matchLabels: {app: web}}\n"
    text = (f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: web\nspec:\n{extra}  template:\n"
            "    metadata:\n      labels: {app: web}\n    spec:\n      restartPolicy: never\n"
            "      containers:\n      - {name: web, image: nginx}\n")
    r = check_manifest(text)
    p = _one(r, "spec.template.spec.restartPolicy")
    assert p.line == text.splitlines().index("      restartPolicy: never") + 1
    assert "«Never»" in p.message and allowed in p.message and kind in p.message


def test_metadata_as_text_is_one_problem_with_a_hint():
    r = _check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name web
        """)
    (p,) = r.problems
    assert p.path == "metadata" and p.line == 3 and "«name: web»" in p.message


def test_ingress_port_as_number_is_one_problem_with_the_v1_form():
    r = _check("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          rules:
          - http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: web
                    port: 80
        """)
    (p,) = r.problems
    assert p.path == "spec.rules[0].http.paths[0].backend.service.port" and p.line == 14
    assert "«port: {number: 80}»" in p.message


# ----------------------------------------------------------------------------- server rules
@pytest.mark.parametrize("host,ok", [("Example.com", False), ("web_app.example.com", False),
                                     ("example.com:8080", False), ("10.0.0.1", False), ("*", False),
                                     ("*.example.com", True), ("web.example.com", True)])
def test_ingress_host_must_be_a_dns1123_subdomain(host, ok):
    # networking validation: not an IP, `*.` + subdomain or IsDNS1123Subdomain (ING-3).
    r = _check(f"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          rules:
          - host: "{host}"
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {{name: web, port: {{number: 80}}}}
        """)
    if ok:
        assert r.ok, str(r)
    else:
        p = _one(r, "spec.rules[0].host")
        assert p.line == 7 and p.rule == "ING-3"


def test_ingress_v1beta1_backend_fields_name_the_v1_form():
    r = _check("""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          defaultBackend:
            serviceName: web
            servicePort: 80
        """)
    p = _one(r, "spec.defaultBackend.serviceName")
    assert p.line == 7 and "networking.k8s.io/v1beta1" in p.message and "port: {number: 80}" in p.message


def test_service_selector_with_matchlabels_explains_the_plain_map():
    r = _check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            matchLabels:
              app: web
          ports:
          - port: 80
        """)
    p = _one(r, "spec.selector.matchLabels")
    assert p.line == 7 and "«selector: {app: web}»" in p.message


def test_deployment_selector_without_matchlabels_hints_matchlabels():
    r = _check("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            app: web
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - {name: web, image: nginx}
        """)
    p = _one(r, "spec.selector.app")
    assert p.line == 7 and "van dentro de «matchLabels»" in p.message


@pytest.mark.parametrize("name,ok", [("1VAR", True), ("MY-VAR.x", True), ("MY VAR", True),
                                     ("A=B", False), ("AÑO", False), ("", False)])
def test_env_var_names_follow_the_relaxed_rule(name, ok):
    # IsRelaxedEnvVarName (GA and locked since 1.34): printable ASCII except «=», not empty.
    r = _check(f"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
          - name: web
            image: nginx
            env:
            - name: "{name}"
              value: x
        """)
    if ok:
        assert r.ok, str(r)
    else:
        assert _one(r, "spec.containers[0].env[0].name").line == 10


def test_blank_image_is_accepted_in_templates_but_not_in_pods():
    # validateContainerCommon only requires a non-empty image ("image = \" \" is special token in
    # pod template"); Pods additionally reject leading/trailing whitespace.
    pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - {name: web, image: " "}\n'
    assert _one(check_manifest(pod), "spec.containers[0].image").line == 7
    dep = ('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n'
           '  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n'
           '    spec:\n      containers:\n      - {name: web, image: " "}\n')
    assert check_manifest(dep).ok


@pytest.mark.parametrize("value,words", [("1,5", "punto"), ("1.5.5", "un único punto")])
def test_quantity_number_mistakes_are_explained(value, words):
    r = _check(f"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: q
        spec:
          containers:
          - name: c
            image: nginx
            resources:
              requests: {{cpu: "{value}"}}
        """)
    p = _one(r, "spec.containers[0].resources.requests.cpu")
    assert p.line == 10 and p.rule == "RES-1" and words in p.message and "«»" not in p.message


def test_negative_counts_cite_their_rule():
    r = _check("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: pi
        spec:
          backoffLimit: -1
          template:
            spec:
              restartPolicy: Never
              containers:
              - {name: pi, image: perl}
        """)
    assert _one(r, "spec.backoffLimit").rule == "JOB-1"


def test_label_key_errors_cite_dns1123():
    r = _check(f"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          labels:
            {"p" * 254}/k: v
            example.com/{"k" * 64}: v
        """)
    assert [(p.line, p.rule) for p in r.problems] == [(6, "DNS-1123"), (7, "DNS-1123")]


# ----------------------------------------------------------------------------- all at once, right lines
def test_many_errors_across_documents_and_flow_style_all_listed_with_lines():
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: Web, labels: {gpu: true}}
        spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 0}]}], restartPolicy: never}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: svc
        spec:
          type: NodePort
          ports:
          - {port: 70000, nodePort: 80}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: job
        spec:
          schedule: "* * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: job
                    image: busybox
                    resources:
                      requests: {memory: 256MB}
        """)
    got = {(p.document, p.path, p.line) for p in r.problems}
    assert got == {
        (0, "metadata.name", 3), (0, "metadata.labels.gpu", 3),
        (0, "spec.containers[0].ports[0].containerPort", 4), (0, "spec.restartPolicy", 4),
        (1, "spec.ports[0].port", 13), (1, "spec.ports[0].nodePort", 13),
        (2, "spec.schedule", 20), (2, "spec.jobTemplate.spec.template.spec.restartPolicy", 24),
        (2, "spec.jobTemplate.spec.template.spec.containers[0].resources.requests.memory", 29),
    }
    text = str(r)
    assert text.startswith("Se han encontrado 9 problemas:")
    assert "Documento 3 (CronJob «job»), línea 29" in text


def test_service_target_port_zero_or_empty_defaults_to_port():
    # SetDefaults_Service: targetPort 0 or "" becomes `port` before validation (SVC-1).
    r = _check("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports:
          - {name: a, port: 80, targetPort: 0}
          - {name: b, port: 81, targetPort: ""}
          - {name: c, port: 82, targetPort: -1}
        """)
    assert [(p.path, p.line) for p in r.problems] == [("spec.ports[2].targetPort", 10)]


def test_tab_error_points_at_the_bad_line_not_at_tabs_inside_a_block_scalar():
    # A tab after the indentation spaces of a «|» block is content (legal); the tab at the start
    # of line 9 is indentation (illegal).
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  script: |\n    echo a\n"
            "    \techo b\n\tx: a\n")
    (p,) = check_manifest(text).problems
    assert p.line == 9 and "(la línea 9)" in p.message
    assert check_manifest(text.replace("\tx: a", "  x: a")).ok


@pytest.mark.parametrize("schedule,ok", [("0 0 * * 7", False), ("0 0 * * 0", True), ("0 0 * * sun", True),
                                         ("0 9 * * mon-fri", True), ("0 0 * * sat-sun", False),
                                         ("30-10 * * * *", False), ("* * *", False), ("*/5 * * * * *", False)])
def test_cronjob_schedule_follows_robfig_cron(schedule, ok):
    # The CronJob controller parses with robfig/cron: day of week 0-6 (7 is "above maximum"), a
    # range may not start after its end, exactly 5 fields (CJ-1).
    r = _check(f"""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: job
        spec:
          schedule: "{schedule}"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - {{name: job, image: busybox}}
        """)
    if ok:
        assert r.ok, str(r)
    else:
        p = _one(r, "spec.schedule")
        assert p.line == 6 and p.rule == "CJ-1"


@pytest.mark.parametrize("wrong,right,line", [("matchLabel", "matchLabels", 7), ("valor", "value", 14),
                                              ("imagen", "image", 13)])
def test_misspelt_or_spanish_field_names_get_a_suggestion(wrong, right, line):
    text = textwrap.dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx
                env: [{name: A, value: x}]
        """)
    lines = text.splitlines()
    lines[line - 1] = lines[line - 1].replace(right + ":", wrong + ":", 1)
    r = check_manifest("\n".join(lines) + "\n")
    (p,) = [p for p in r.problems if p.path.endswith(wrong)]
    assert p.line == line and f"¿Quisiste decir «{right}»?" in p.message


def test_empty_strings_the_api_server_defaults_are_accepted():
    # SetDefaults_Container/PodSpec/Service/Deployment/CronJob replace "" before validation;
    # a toleration operator "" means Equal (validateTolerations).
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          restartPolicy: ""
          dnsPolicy: ""
          tolerations:
          - {key: gpu, operator: "", value: "true", effect: NoSchedule}
          containers:
          - name: web
            image: nginx
            imagePullPolicy: ""
            ports: [{containerPort: 80, protocol: ""}]
            readinessProbe:
              httpGet: {path: /, port: 80, scheme: ""}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: ""
          sessionAffinity: ""
          selector: {app: web}
          ports: [{port: 80, protocol: ""}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          strategy: {type: ""}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              restartPolicy: ""
              containers: [{name: web, image: nginx}]
        """)
    assert r.ok, str(r)


def test_empty_template_restart_policy_in_a_job_is_the_default_always():
    r = _check("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: pi
        spec:
          template:
            spec:
              restartPolicy: ""
              containers: [{name: pi, image: perl}]
        """)
    p = _one(r, "spec.template.spec.restartPolicy")
    assert p.line == 8 and p.rule == "JOB-1" and "Always" in p.message


def test_labels_written_as_key_equals_value_get_the_yaml_form():
    r = _check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
          labels: app=web,tier=db
        """)
    (p,) = r.problems
    assert p.path == "metadata.labels" and p.line == 5 and "«app: web», «tier: db»" in p.message


def test_container_split_in_two_list_items_is_explained():
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
          containers:
          - name: web
          - image: nginx
        """)
    p = _one(r, "spec.containers[0].image")
    assert p.line == 7 and "¿sobra el guion de «- image:»?" in p.message and "containers[1]" in p.message
    assert _one(r, "spec.containers[1].name").line == 8


@pytest.mark.parametrize("value", ['!!int abc', '!!int ""', "!!float x"])
def test_tagged_scalar_that_cannot_be_read_is_a_problem_not_a_crash(value):
    # go-yaml: "cannot decode !!str `abc` as a !!int" -- kubectl rejects the file.
    r = check_manifest(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: {value}\n")
    p = _one(r, "data.a")
    assert p.line == 6 and "quita la etiqueta" in p.message


@pytest.mark.parametrize("exec_value", ["{}", "{command: []}"])
def test_exec_probe_needs_a_command(exec_value):
    # validateExecAction: command is required (PRB-1).
    r = check_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
                       f"    image: busybox\n    livenessProbe:\n      exec: {exec_value}\n")
    p = _one(r, "spec.containers[0].livenessProbe.exec.command")
    assert p.line == 10 and p.rule == "PRB-1"


def test_volume_with_two_sources_and_duplicated_mount_path():
    # validateVolumeSource: "may not specify more than 1 volume type"; validateVolumeMounts:
    # mountPath "must be unique" within a container.
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes:
          - name: data
            emptyDir: {}
            configMap: {name: cm}
          containers:
          - name: c
            image: busybox
            volumeMounts:
            - {name: data, mountPath: /data}
            - {name: data, mountPath: /data}
        """)
    assert [(p.path, p.line) for p in r.problems] == [("spec.volumes[0].configMap", 8),
                                                      ("spec.containers[0].volumeMounts[1].mountPath", 14)]


def test_node_name_and_service_account_name_are_dns_subdomains():
    # ValidatePodSpec: ValidateNodeName / ValidateServiceAccountName (DNS-1123 subdomains).
    r = _check("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          nodeName: Nodo51
          serviceAccountName: mi_cuenta
          containers: [{name: c, image: nginx}]
        """)
    assert [(p.path, p.line, p.rule) for p in r.problems] == [("spec.nodeName", 5, "SCH-1"),
                                                            ("spec.serviceAccountName", 6, "DNS-1123")]
    assert check_manifest(textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          nodeName: nodo51.example.com
          serviceAccountName: mi-cuenta
          containers: [{name: c, image: nginx}]
        """)).ok


def test_document_end_marker_then_content_without_separator_is_a_warning():
    # kubectl splits only at `---`; go-yaml decodes the first document of each block, so what
    # follows `...` without `---` is ignored: an «aviso», and it is not validated.
    r = _check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
        ...
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: B
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: C
        """)
    assert [(p.document, p.path, p.line) for p in r.problems] == [(1, "metadata.name", 14)]
    (w,) = r.warnings
    assert w.line == 6 and "«---»" in w.message and "ignoraría" in w.message


def test_document_end_marker_followed_by_separator_is_fine():
    r = _check("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
        ...
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
        ...
        """)
    assert r.ok and not r.warnings and len(r.documents) == 2


@pytest.mark.parametrize("kind,limit", [("Job", 63), ("CronJob", 52)])
def test_job_and_cronjob_name_length_limits(kind, limit):
    # A Job's name becomes the job-name label of its Pods ("spec.template.labels: must be no more than
    # 63 characters"); a CronJob adds 11 characters to name its Jobs (kubernetes#50850).
    spec = ("  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n"
            if kind == "Job" else
            '  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n'
            "          restartPolicy: Never\n          containers: [{name: c, image: busybox}]\n")
    for n, ok in ((limit, True), (limit + 1, False)):
        r = check_manifest(f"apiVersion: batch/v1\nkind: {kind}\nmetadata:\n  name: {'a' * n}\nspec:\n{spec}")
        assert r.ok is ok, str(r)
        if not ok:
            assert _one(r, "metadata.name").line == 4


def test_look_alike_space_in_indentation_is_named_on_its_line():
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n\u00a0 labels:\n    app: web\n"
            "spec:\n  containers:\n  - name: web\n    image: nginx\n")
    report = check_manifest(text)
    assert not report.ok
    [problem] = report.problems
    assert (problem.line, problem.column, problem.path) == (5, 1, None)
    assert "U+00A0" in problem.message and "espacios normales" in problem.message
    # the rest is checked as intended: no made-up "unknown field «\u00a0 labels»"
    assert "labels" not in problem.message


def test_command_written_as_a_string_gets_shell_like_words():
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n"
            "    image: busybox\n    command: sh -c \"echo hola > /datos/index.html\"\n")
    [problem] = check_manifest(text).problems
    assert problem.path == "spec.containers[0].command" and problem.line == 9
    assert '["sh", "-c", "echo hola > /datos/index.html"]' in problem.message
