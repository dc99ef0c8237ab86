"""``python -m autograder`` / ``k8s-autograde``: the instructor's grading command.

Uso::

    python -m autograder corregir 01-imagenes-y-tags entregas/ [--jobs N] [--timeout S]
                                  [--timeout-celda S] [--memoria MB] [--out DIR] [--curso DIR]
    python -m autograder corregir 01-imagenes-y-tags entregas.zip --jobs 2

(``grade`` is an alias of ``corregir``.) See :mod:`autograder.grading_run` for what a run
does and :mod:`autograder.preflight` for the accepted folder layouts. Exit status: 0 when the
run finished (even if some submissions were invalid or flagged), 2 on a usage error.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


def _spanish(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p._positionals.title = "argumentos"
    p._optionals.title = "opciones"
    p.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")
    return p


def _parser() -> argparse.ArgumentParser:
    p = _spanish(argparse.ArgumentParser(
        prog="k8s-autograde", add_help=False, formatter_class=_Formatter,
        description="Corrección automática de entregas del curso (nbgrader + verificación limpia)."))
    sub = p.add_subparsers(dest="orden", metavar="orden", title="órdenes")
    g = _spanish(sub.add_parser("corregir", aliases=["grade"], add_help=False, formatter_class=_Formatter,
                                help="corrige una carpeta o un .zip de entregas de una práctica",
                                description="Corrige todas las entregas de una práctica: nbgrader autograde "
                                            "aislado por entrega, verificación limpia, gradebook, feedback, CSV, "
                                            "resumen e histograma."))
    g.add_argument("practica", help="nombre de la práctica (carpeta en source/), p. ej. 01-imagenes-y-tags")
    g.add_argument("entregas", help="carpeta o .zip con las entregas: submitted/<alumno>/<práctica>/*.ipynb, "
                                    "<alumno>/*.ipynb o <alumno>.ipynb")
    g.add_argument("--curso", default=None,
                   help="carpeta del curso (con source/ y nbgrader_config.py); por defecto, la actual")
    g.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="entregas corregidas en paralelo (por defecto, núcleos de CPU)")
    g.add_argument("--timeout", type=float, default=300,
                   help="segundos máximos por entrega (por defecto 300)")
    g.add_argument("--timeout-celda", type=int, default=60,
                   help="segundos máximos por celda (por defecto 60)")
    g.add_argument("--memoria", type=int, default=2048, help="MiB máximos por corrección (por defecto 2048)")
    g.add_argument("--out", default=None, help="carpeta de informes (por defecto resultados/<práctica>/)")
    g.add_argument("--sin-limpia", action="store_true", help="no hacer la verificación limpia")
    g.add_argument("--sin-feedback", action="store_true", help="no generar el feedback HTML")
    g.add_argument("--sin-progreso", action="store_true", help="sin barra de progreso")
    g.add_argument("--conservar-temporales", action="store_true", help="no borrar las carpetas temporales")
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    if args.orden not in ("corregir", "grade"):
        p.print_help()
        return 2
    from autograder import grading_run

    course = Path(args.curso or os.getcwd()).resolve()
    subs = Path(args.entregas)
    if not (course / "source" / args.practica).is_dir():
        print(f"Error: no existe {course / 'source' / args.practica} (¿falta --curso?)", file=sys.stderr)
        return 2
    if not subs.exists():
        print(f"Error: no existe {subs}", file=sys.stderr)
        return 2
    opts = grading_run.Options(course=course, assignment=args.practica, submissions=subs.resolve(),
                               out=Path(args.out).resolve() if args.out else None, jobs=max(1, args.jobs),
                               timeout=args.timeout, cell_timeout=args.timeout_celda, memory_mb=args.memoria,
                               cleanroom=not args.sin_limpia, feedback=not args.sin_feedback,
                               progress=not args.sin_progreso, keep_scratch=args.conservar_temporales)
    results, paths = grading_run.run(opts)
    print()
    print(grading_run.results_table(results))
    print(paths["resumen_md"].read_text(encoding="utf-8"))
    flagged = sum(bool(r.flags) for r in results)
    print(f"{len(results)} entregas corregidas; {flagged} para revisar.")
    for k in ("csv", "resumen_csv", "histograma", "json"):
        print(f"  {paths[k]}")
    print(f"  feedback: {course / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
