"""Pipeline case for chapter 01 (format: see the docstring of tests/test_pipeline.py)."""

ASSIGNMENT = "01-imagenes-y-tags"
NOTEBOOK = "01-imagenes-y-tags.ipynb"
MAX_SCORE = 20.0  # ej1 3 + ej2 3 + ej3 3 + ej4 3 + ej5 5 + ej6 3

POD_LATEST = '''pod_yaml = """
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: nginx
      image: nginx:latest
      ports:
        - containerPort: 80
"""
'''

ETIQUETA_COMO_TEXTO = '''def etiqueta_recomendada(version_validada, etiquetas):
    major, minor = version_validada.split(".")[:2]
    if f"{major}.{minor}" in etiquetas:
        return f"{major}.{minor}"
    parches = [e for e in etiquetas
               if e.count(".") == 2 and e.replace(".", "").isdigit() and e.split(".")[:2] == [major, minor]]
    return max(parches) if parches else None   # compares text: '1.21.9' > '1.21.10'
'''

WRONG_SUBMISSIONS = [
    {
        # the classic: nginx:latest in production -> loses the 1.5-point tag item of ej5
        "student": "alumno_latest",
        "edits": {"ch01_ej5": POD_LATEST},
        "score": 18.5,
        "feedback": ["`nginx:latest` en producción, ¡NUNCA!", "Ejercicio 5: un Pod con la imagen bien fijada: 3,5 de 5"],
    },
    {
        # versions compared as strings -> fails one visible (0.5) and one hidden (0.25) case of ej3
        "student": "alumno_texto",
        "edits": {"ch01_ej3": ETIQUETA_COMO_TEXTO},
        "score": 19.25,
        "feedback": ["compara las versiones como números", "Ejercicio 3: la etiqueta para producción: 2,25 de 3"],
    },
]
