"""The one place for the app's name and version: read by the GUI (display name, 关于), the workbooks' creator, the CLI
and build.spec."""
APP_NAME = "预算公开表格转换器"
APP_ID = "BudgetTables"          # file names: dist/BudgetTables/BudgetTables(.exe), BudgetTables-cli(.exe)
__version__ = "1.0.0"
