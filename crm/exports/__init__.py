"""Spreadsheet exports (Excel and CSV) that a spreadsheet opens without running anything.

`cells` neutralises formula-looking text (one helper per format), `columns` says what a client
export holds, `xlsx` and `csv` write it with flat memory whatever the number of rows.
"""
