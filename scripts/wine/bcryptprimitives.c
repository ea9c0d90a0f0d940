/*
 * bcryptprimitives.dll for Wine: a TEST-HARNESS SHIM, never shipped with
 * Chorus and never used on Windows.
 *
 * Go 1.22 and later programs call ProcessPrng from bcryptprimitives.dll
 * when they start (Windows 10 and later have it). Debian 12's Wine 8 has no
 * bcryptprimitives.dll, so chorus.exe and chorus-central.exe stop before
 * main under Wine. scripts/wine-e2e builds this file with mingw-w64 and puts
 * the DLL into its throw-away Wine prefix's system32 (Go loads the DLL from
 * system32 only). ProcessPrng fills the buffer from RtlGenRandom
 * (advapi32's SystemFunction036), Wine's own cryptographic random source.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
