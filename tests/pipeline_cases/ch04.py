"""Pipeline case for chapter 04 (format: see the docstring of tests/test_pipeline.py)."""

ASSIGNMENT = "04-sondas"
NOTEBOOK = "04-sondas.ipynb"
MAX_SCORE = 21.0  # ej1 6 + ej2 3 + ej3 5 + ej4 4 + ej5 3

# the pre-startupProbe patch: delay the liveness past the 90 s start. The pod runs (behaviour item
# passes) but there is no startupProbe (-1), no startup budget (-1) and a slow liveness (-1).
TOMCAT_LIVENESS_RETRASADA = '''pod_tomcat_yaml = """
apiVersion: v1
kind: Pod
metadata:
  name: tomcat
spec:
  containers:
  - name: tomcat
    image: tomcat:10.1
    ports:
    - containerPort: 8080
    livenessProbe:
      httpGet:
        path: /health
        port: 8080
      initialDelaySeconds: 120
      periodSeconds: 10
      failureThreshold: 3
"""
'''

# the notes' mistake (PRB-3): "readiness starts after liveness succeeds" -> one hidden item (0.5) of ej5
READINESS_TRAS_LIVENESS = '''afirmaciones = {
    "startup_va_primero": True,
    "readiness_reinicia": False,
    "liveness_reinicia_contenedor": True,
    "readiness_tras_liveness": True,
    "httpget_lee_json": False,
    "no_lista_sigue_running": True,
}
'''

WRONG_SUBMISSIONS = [
    {
        "student": "alumno_liveness_retrasada",
        "edits": {"ch04_ej3": TOMCAT_LIVENESS_RETRASADA},
        "score": 18.0,
        "feedback": ["el parche de antes de existir la startupProbe",
                     "Ejercicio 3: arregla el Tomcat que Kubernetes se carga: 2 de 5"],
    },
    {
        "student": "alumno_apuntes",
        "edits": {"ch04_ej5": READINESS_TRAS_LIVENESS},
        "score": 20.5,
        "feedback": ["los apuntes lo cuentan mal", "Ejercicio 5: verdadero o falso sobre las sondas: 2,5 de 3"],
    },
]
