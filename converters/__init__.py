"""BudgetTables conversion engine (no Qt here)."""
