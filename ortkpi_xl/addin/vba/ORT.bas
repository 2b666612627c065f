Attribute VB_Name = "ORT"
' Ribbon tab "Indicateurs ORT" of the ortkpi.xlam add-in.
' Source of truth: ortkpi_xl/addin/vba/ORT.bas in the ortkpi-xl repository. The add-in is
' rebuilt from it by "ortkpi-xl complement"; an edit made in Excel's VBA editor is lost.
' Each button runs one entry point of the Python package (ortkpi_xl.buttons) through xlwings'
' RunPython, on the active workbook. The On* procedures are the ribbon callbacks
' (customUI.xml); the procedures without arguments are the same actions as macros (Alt+F8,
' keyboard shortcuts, the Excel check script).
Option Explicit

Public Sub OnRecalculer(control As IRibbonControl)
    Recalculer
End Sub

Public Sub OnValider(control As IRibbonControl)
    Valider
End Sub

Public Sub OnInserJeunes(control As IRibbonControl)
    ImporterInserJeunes
End Sub

Public Sub OnAPropos(control As IRibbonControl)
    APropos
End Sub

Public Sub Recalculer()
    If Not WorkbookIsOpen() Then Exit Sub
    RunPython "import ortkpi_xl.buttons as b; b.recalculer()"
End Sub

Public Sub Valider()
    If Not WorkbookIsOpen() Then Exit Sub
    RunPython "import ortkpi_xl.buttons as b; b.valider()"
End Sub

Public Sub ImporterInserJeunes()
    If Not WorkbookIsOpen() Then Exit Sub
    RunPython "import ortkpi_xl.buttons as b; b.inserjeunes()"
End Sub

Public Sub APropos()
    Dim platform As String
    #If Mac Then
        platform = "macOS : les boutons fonctionnent ; les fonctions ORT_* n'existent que sous Windows."
    #Else
        platform = "Windows : les boutons et les fonctions ORT_* fonctionnent."
    #End If
    MsgBox "Complément Indicateurs ORT, ortkpi-xl " & ORTKPI_VERSION & "." & vbLf & vbLf & _
           "Il attend xlwings " & XLWINGS_VERSION & " dans le Python qui porte ortkpi-xl " & _
           "(pip show xlwings doit afficher cette version)." & vbLf & platform & vbLf & vbLf & _
           "Installation et messages d'erreur connus : docs/installation.md du projet ortkpi-xl.", _
           vbInformation, "Indicateurs ORT"
End Sub

Private Function WorkbookIsOpen() As Boolean
    ' RunPython works on the active workbook: without one, say so instead of a VBA error.
    If ActiveWorkbook Is Nothing Then
        MsgBox "Ouvrez d'abord le classeur des indicateurs, puis cliquez à nouveau sur le bouton.", _
               vbExclamation, "Indicateurs ORT"
        WorkbookIsOpen = False
    Else
        WorkbookIsOpen = True
    End If
End Function
