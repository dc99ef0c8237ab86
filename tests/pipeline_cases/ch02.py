"""Pipeline case for chapter 02 (format: see the docstring of tests/test_pipeline.py)."""

ASSIGNMENT = "02-pods-y-sidecars"
NOTEBOOK = "02-pods-y-sidecars.ipynb"
MAX_SCORE = 20.0  # ej1 3 + ej2 5 + ej3 5 + ej4 4 + ej5 3

# emptyDir on the node's disk instead of RAM -> loses the 1-point "medium: Memory" item of ej2
FILEBEAT_EN_DISCO = '''pod_filebeat_yaml = """
apiVersion: v1
kind: Pod
metadata:
  name: apache
spec:
  containers:
  - name: apache
    image: httpd:2.4
    volumeMounts:
    - name: logs
      mountPath: /usr/local/apache2/logs
  - name: filebeat
    image: docker.elastic.co/beats/filebeat:8.15.0
    volumeMounts:
    - name: logs
      mountPath: /fichero/a/leer
  volumes:
  - name: logs
    emptyDir: {}
"""
'''

# the notes' mistake: "an init container that never ends makes Kubernetes restart the pod"
# -> fails the visible (None, 600) case (0.5) and the hidden (None, 3600) case (0.5) of ej4
INIT_ETERNO_REINICIA = '''def estado_tras(duracion_init, segundos):
    if duracion_init is None:
        return ("Running", "CrashLoopBackOff")
    if segundos < duracion_init:
        return ("Pending", "Init:0/1")
    return ("Running", "Running")
'''

# QA regressions, end to end: a YAML indented with a tab (ej2: 0, and every item blames the YAML,
# not a "missing" container) and an init script with `cd`, which the simulator cannot run but a
# real cluster would (ej3: full marks, with a note while the simulator lacks `cd`) -> 20 - 5 = 15
FILEBEAT_CON_TABULADOR = FILEBEAT_EN_DISCO.replace("  - name: filebeat", "\t- name: filebeat")
INIT_CON_CD = '''pod_init_yaml = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: preparar
    image: busybox:1.36
    command: ["sh", "-c", "cd /datos && echo '<h1>Hola desde el init container</h1>' > index.html"]
    volumeMounts:
    - name: contenido
      mountPath: /datos
  containers:
  - name: nginx
    image: nginx:1.27
    volumeMounts:
    - name: contenido
      mountPath: /usr/share/nginx/html
  volumes:
  - name: contenido
    emptyDir: {}
"""
'''

WRONG_SUBMISSIONS = [
    {
        "student": "alumno_disco",
        "edits": {"ch02_ej2": FILEBEAT_EN_DISCO},
        "score": 19.0,
        "feedback": ["Tu emptyDir va al disco del nodo", "Ejercicio 2: Apache con su sidecar Filebeat: 4 de 5"],
    },
    {
        "student": "alumno_init_eterno",
        "edits": {"ch02_ej4": INIT_ETERNO_REINICIA},
        "score": 19.0,
        "feedback": ["se queda en Pending", "Ejercicio 4: fase y STATUS de un pod con init container: 3 de 4"],
    },
    {
        "student": "alumno_tabulador_y_cd",
        "edits": {"ch02_ej2": FILEBEAT_CON_TABULADOR, "ch02_ej3": INIT_CON_CD},
        "score": 15.0,
        "feedback": ["hay tabuladores en la sangría", "No he podido leer tu YAML",
                     "Ejercicio 3: un init container que prepara la web: 5 de 5"],
    },
]
