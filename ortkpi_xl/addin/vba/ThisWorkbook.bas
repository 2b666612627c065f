' Code of the ThisWorkbook document module of ortkpi.xlam (its Attribute lines come from the
' Excel-authored template). Source of truth: ortkpi_xl/addin/vba/ThisWorkbook.bas.
Option Explicit

Private Sub Workbook_Open()
    ' The function wizard texts of the ORT_* functions (category, descriptions, arguments).
    OrtBuild.RegisterFunctions
End Sub
