"""Spreadsheet exports (Excel and CSV) that a spreadsheet opens without running anything.

`cells` neutralises formula-looking text (one helper per format), `columns` says what a client
or opportunity export holds (read with values(), in chunks), `xlsx` and `csv` stream it with
flat memory whatever the number of rows, `measure` times a download and its peak memory.
"""
