"""Performance-target forms (绩效目标表): cells.py cuts a page into ruled cells, vocabulary.py knows the labels,
reader.py reads the forms."""
