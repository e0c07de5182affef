"""预算公开表格转换器 — starts the desktop app; `python main.py convert …` runs the headless CLI."""
import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "convert":
        from converters.cli import main as cli_main
        return cli_main(sys.argv[2:])
    from gui.app import run
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
