from qaplan.cli import run

run()
