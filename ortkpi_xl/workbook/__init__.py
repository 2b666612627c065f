"""The workbook adapter: finding site tables in a workbook, reading them, writing results.

``layout`` works on plain grids of values (shared with the xlwings buttons); ``reader`` and
``writer`` are the openpyxl side; ``changes`` is the contract between the computation and any
writer.
"""
