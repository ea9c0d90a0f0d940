; The Windows installer of Chorus (makensis, Debian's nsis; scripts/package).
; Installs for all users into Program Files\Chorus, with a Start-menu entry,
; and an uninstaller (Settings > Apps). Silent install: Chorus-setup.exe /S.
; The data folder is never touched by install or uninstall.
Unicode true
Target amd64-unicode
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "Chorus-setup.exe"
!endif
!ifndef SRC
  !define SRC "."
!endif

Name "Chorus"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Chorus"
RequestExecutionLevel admin
Icon "${SRC}/chorus.ico"
UninstallIcon "${SRC}/chorus.ico"
SetCompressor /SOLID lzma

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Chorus"
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${SRC}/chorus.exe"
  File "${SRC}/chorus-central.exe"
  File "${SRC}/chorus.ico"
  File "${SRC}/README.txt"
  File "${SRC}/OFL.txt"
  CreateShortcut "$SMPROGRAMS\Chorus.lnk" "$INSTDIR\chorus.exe" "" "$INSTDIR\chorus.ico" 0
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Chorus" "DisplayName" "Chorus"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Chorus" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Chorus" "DisplayIcon" "$INSTDIR\chorus.ico"
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Chorus" "UninstallString" '"$INSTDIR\uninstall.exe"'
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\Chorus.lnk"
  Delete "$INSTDIR\chorus.exe"
  Delete "$INSTDIR\chorus-central.exe"
  Delete "$INSTDIR\chorus.ico"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\OFL.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "Software\Microsoft\Windows\CurrentVersion\Uninstall\Chorus"
SectionEnd
