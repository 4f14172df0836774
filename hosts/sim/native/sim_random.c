/*
 * The simulator's random source, bound with XS FFI (ffi.functions in hosts/sim/manifest_sim.json;
 * mcconfig generates the glue and mc.ffi.d.ts). Bytes come from the operating system's CSPRNG:
 * the SDK "rng" module is RC4 seeded from rand() and the SDK File class refuses /dev/urandom
 * (a character device reads as size 0), and CSRF tokens and password salts need unpredictable bytes.
 * Only the lin branch is built and run by this project (docs/moddable.md); mac and win are written
 * from their APIs' documentation.
 */

#include <stdint.h>
#include <stddef.h>

#if defined(__linux__)
#include <errno.h>
#include <sys/random.h>
#elif defined(__APPLE__)
#include <stdlib.h>
#elif defined(_WIN32)
#include <windows.h>
#include <bcrypt.h>
#pragma comment(lib, "bcrypt.lib")
#else
#error "sim_random.c: no OS random source for this platform"
#endif

/* Fills buffer[offset .. offset + length) with OS random bytes. 0 on success, -1 on failure. */
int32_t gw_sim_random_fill(uint8_t *buffer, uint32_t offset, uint32_t length)
{
	if (!buffer)
		return -1; /* detached ArrayBuffer */
	uint8_t *at = buffer + offset;
#if defined(__linux__)
	size_t filled = 0;
	while (filled < length) {
		/* getrandom returns at most 32 MiB per call and may be interrupted by a signal. */
		ssize_t got = getrandom(at + filled, length - filled, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		filled += (size_t)got;
	}
	return 0;
#elif defined(__APPLE__)
	arc4random_buf(at, length); /* cannot fail */
	return 0;
#elif defined(_WIN32)
	NTSTATUS status = BCryptGenRandom(NULL, at, (ULONG)length, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
	return BCRYPT_SUCCESS(status) ? 0 : -1;
#endif
}
