/*
 * Adds one global to the metering build of xsnap: `xsMemory(out)` writes into the array `out`
 * [slots in use, chunk bytes in use, peak slots, peak chunk bytes], read from the XS machine.
 * It fills a caller's array so that reading the meters allocates nothing itself. Between two
 * garbage collections both "in use" figures only grow, so the difference of two readings is
 * what the code in between allocated; right after gc() they are the live heap.
 * Linked with -Wl,--wrap=modInstallBase64: xsnap calls it while it builds its globals.
 */
#include "xsAll.h"
#include "xs.h"

extern void __real_modInstallBase64(txMachine* the);

static void xs_memory(txMachine* the)
{
	xsSetAt(xsArg(0), xsInteger(0), xsInteger(the->currentHeapCount));
	xsSetAt(xsArg(0), xsInteger(1), xsInteger(the->currentChunksSize));
	xsSetAt(xsArg(0), xsInteger(2), xsInteger(the->peakHeapCount));
	xsSetAt(xsArg(0), xsInteger(3), xsInteger(the->peakChunksSize));
}

void __wrap_modInstallBase64(txMachine* the)
{
	__real_modInstallBase64(the);
	xsResult = xsNewHostFunction(xs_memory, 1);
	xsDefine(xsGlobal, xsID("xsMemory"), xsResult, xsDontEnum);
}
