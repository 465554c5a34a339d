from qaplan.cli import main

main()
