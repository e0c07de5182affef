"""Formulas a workbook holds without their results: evaluated when they are simple sums.

A workbook written by a program rather than saved by Excel (exports of finance systems, openpyxl, some WPS
versions) may hold formulas without the values they compute; a reader then sees empty 合计 cells. The common
ones in budget tables are sums: `=SUM(C5:C9)`, `=C5+C6-C7`, `=SUM(C5,C8)`. Those are evaluated here over
the same sheet's values (openpyxl's Tokenizer splits the formula); anything else (other functions, other
sheets, text) is left unevaluated and the caller flags the cell.
"""
from __future__ import annotations

from typing import Callable, Optional

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string, range_boundaries


class Unsupported(Exception):
    """A formula outside the simple sums evaluated here."""


def evaluate(formula: str, value_of: Callable[[int, int], Optional[float]]) -> Optional[float]:
    """The value of `formula` ("=SUM(C5:C9)-C4"), or None when it is not a simple sum. `value_of(row, col)`
    (1-based) gives a referenced cell's number (0 for an empty cell) or None when it has none (text, or a formula
    that cannot be evaluated)."""
    try:
        tokens = [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]
        parser = _Parser(tokens, value_of)
        value = parser.expression()
        if parser.k != len(tokens):
            raise Unsupported(formula)
        return value
    except (Unsupported, ValueError, TypeError, ZeroDivisionError):
        return None


class _Parser:
    """expression := term (('+' | '-') term)*;  term := factor (('*' | '/') factor)*;
    factor := ('+' | '-') factor | number | cell | '(' expression ')' | SUM '(' argument (',' argument)* ')'."""

    def __init__(self, tokens: list, value_of):
        self.tokens, self.k, self.value_of = tokens, 0, value_of

    def _peek(self) -> Optional[Token]:
        return self.tokens[self.k] if self.k < len(self.tokens) else None

    def _next(self) -> Token:
        token = self._peek()
        if token is None:
            raise Unsupported("formula ends early")
        self.k += 1
        return token

    def expression(self) -> float:
        value = self.term()
        while (t := self._peek()) is not None and t.type == Token.OP_IN and t.value in "+-":
            self.k += 1
            value = value + self.term() if t.value == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.factor()
        while (t := self._peek()) is not None and t.type == Token.OP_IN and t.value in "*/":
            self.k += 1
            value = value * self.factor() if t.value == "*" else value / self.factor()
        return value

    def factor(self) -> float:
        t = self._next()
        if t.type == Token.OP_PRE and t.value in "+-":
            value = self.factor()
            return -value if t.value == "-" else value
        if t.type == Token.OPERAND and t.subtype == Token.NUMBER:
            return float(t.value)
        if t.type == Token.OPERAND and t.subtype == Token.RANGE and ":" not in t.value:
            return self._cell(t.value)
        if t.type == Token.PAREN and t.subtype == Token.OPEN:
            value = self.expression()
            self._close(Token.PAREN)
            return value
        if t.type == Token.FUNC and t.subtype == Token.OPEN and t.value.upper() == "SUM(":
            return self._sum()
        raise Unsupported(t.value)

    def _sum(self) -> float:
        total = 0.0
        while True:
            t = self._peek()
            if t is not None and t.type == Token.OPERAND and t.subtype == Token.RANGE and ":" in t.value:
                self.k += 1
                total += self._range(t.value)
            else:
                total += self.expression()
            t = self._next()
            if t.type == Token.SEP and t.value == ",":
                continue
            if t.type == Token.FUNC and t.subtype == Token.CLOSE:
                return total
            raise Unsupported(t.value)

    def _close(self, kind: str):
        t = self._next()
        if t.type != kind or t.subtype != Token.CLOSE:
            raise Unsupported(t.value)

    def _cell(self, ref: str) -> float:
        if "!" in ref:
            raise Unsupported(ref)                    # another sheet's cell
        column, row = coordinate_from_string(ref.replace("$", ""))
        return self._number(row, column_index_from_string(column))

    def _range(self, ref: str) -> float:
        if "!" in ref:
            raise Unsupported(ref)
        c0, r0, c1, r1 = range_boundaries(ref.replace("$", ""))
        if None in (c0, r0, c1, r1) or (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
            raise Unsupported(ref)                    # whole columns or rows
        return sum(self._number(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))

    def _number(self, row: int, col: int) -> float:
        value = self.value_of(row, col)
        if value is None:
            raise Unsupported(f"R{row}C{col}")
        return value
