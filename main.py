"""预算公开表格转换器 — starts the desktop app; `python main.py convert …` runs the headless CLI."""
import sys


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "convert":
        if not {"-h", "--help"} & set(sys.argv):
            from converters.workers import start_worker_server
            start_worker_server()           # the workers' server imports the engine while this process does
        from converters.cli import main as cli_main
        return cli_main(sys.argv[2:])
    from gui.app import run
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
