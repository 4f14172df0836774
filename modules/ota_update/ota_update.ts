/**
 * The OTA module: takes a multipart upload (`firmware` + `signature`), streams the image into
 * the inactive slot while hashing it, verifies the signature over the SHA-256 with the
 * configured public key, and only then activates it (the host restarts into it). One upload at
 * a time; none while an activated image waits for its restart or a new image waits for its
 * health check (its slot holds the only image to roll back to). Signature checking cannot be
 * turned off: without a usable public key every upload is refused.
 */
import type { Host } from '../../hosts/host';
import type { CryptoPort, SignatureAlgorithm } from '../../hosts/ports/crypto';
import type { OtaPort } from '../../hosts/ports/ota';
import type { GatewayBus } from '../event_bus/events';
import type { GatewayModule, ModuleMetrics } from '../gateway/context';
import { toHex } from '../util/hex';
import type { Logger } from '../util/logger';
import { BootHealthCheck, type BootHealthOptions } from './boot_health';
import { imageSecurityVersion, imageVersion } from './image_version';
import { ImageWriter } from './image_writer';
import { MultipartParser, multipartBoundary } from './multipart';
import { OtaError } from './ota_error';
import { checkSignatureShape, signatureAlgorithmFor } from './signature_policy';
import { UploadParts } from './upload_parts';
import { errorMessage } from '../util/error_message';

/** What the module needs from the gateway (a GatewayContext fits). */
export interface OtaContext {
  host: Pick<Host, 'clock' | 'crypto' | 'ota'>;
  bus: GatewayBus;
  logger(tag: string): Logger;
}

export interface OtaUpdateOptions extends BootHealthOptions {
  /** The PEM ("BEGIN PUBLIC KEY") images must be signed for: RSA-2048/4096 or EC P-256. */
  publicKeyPem?: string;
  /** Largest image accepted (default: the host's slot size, else DEFAULT_MAX_IMAGE_BYTES). */
  maxImageBytes?: number;
  /**
   * Development builds only: an authenticated upload asking `allowDowngrade` may install below
   * the anti-rollback floor. Off on every device build; the Node host turns it on only when
   * started with OTA_ALLOW_DOWNGRADE=1.
   */
  developmentOverride?: boolean;
}

export interface OtaUploadRequest {
  contentType: string;
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array>;
  /** Install below the anti-rollback floor; refused unless the development override is on. */
  allowDowngrade?: boolean;
}

export interface OtaUploadResult {
  status: 'activated';
  version: string;
  size_bytes: number;
  sha256: string;
  algorithm: SignatureAlgorithm;
  security_version: number;
  /** The host restarts into the image shortly. */
  restarting: true;
}

export type OtaState = 'idle' | 'receiving' | 'verifying' | 'activated' | 'failed';

/** Without a slot size from the host: room for the image and the multipart framing. */
export const DEFAULT_MAX_IMAGE_BYTES = 4 * 1024 * 1024;
/** Headers, boundaries and the signature around the image in one upload. */
const MULTIPART_OVERHEAD_BYTES = 8 * 1024;
/** Progress events per upload, at most (the bus queue holds 32). */
const PROGRESS_STEPS = 16;

interface SigningKey {
  pem: string;
  algorithm: SignatureAlgorithm;
}

/** Throws signature_malformed or signature_invalid unless `signature` is `key`'s over `digest`. */
function verifySignature(crypto: CryptoPort, key: SigningKey, digest: Uint8Array, signature: Uint8Array): void {
  checkSignatureShape(key.algorithm, signature);
  let valid: boolean;
  try {
    valid = crypto.verifySignature(key.algorithm, key.pem, digest, signature);
  } catch (error) {
    throw new OtaError('signature_invalid', `the signature could not be checked: ${errorMessage(error)}`);
  }
  if (!valid) throw new OtaError('signature_invalid', `the signature does not match this image and the gateway's public key (${key.algorithm})`);
}

export class OtaUpdate implements GatewayModule {
  readonly name = 'ota_update';
  #context: OtaContext;
  #log: Logger;
  #health: BootHealthCheck | undefined;
  #key: SigningKey | undefined;
  #keyProblem = '';
  #maxImageBytes: number;
  #developmentOverride: boolean;
  #state: OtaState = 'idle';
  #busy = false;
  #last: { result: 'activated' | 'failed'; detail: string } | undefined;
  #counters = { uploads: 0, activations: 0, failures: 0, bufferHighWater: 0, largestWrite: 0 };

  constructor(context: OtaContext, options: OtaUpdateOptions = {}) {
    this.#context = context;
    this.#log = context.logger('ota_update');
    const ota = context.host.ota;
    this.#maxImageBytes = options.maxImageBytes ?? ota?.info().slotBytes ?? DEFAULT_MAX_IMAGE_BYTES;
    this.#developmentOverride = options.developmentOverride === true;
    if (ota) this.#health = new BootHealthCheck({ clock: context.host.clock, bus: context.bus, ota, log: this.#log }, options);
    try {
      if (!options.publicKeyPem) throw new OtaError('no_public_key', 'no OTA public key is configured');
      this.#key = { pem: options.publicKeyPem, algorithm: signatureAlgorithmFor(options.publicKeyPem) };
    } catch (error) {
      this.#keyProblem = (error as Error).message;
    }
  }

  start(): void {
    if (this.#keyProblem) this.#log.error(`firmware uploads are refused: ${this.#keyProblem}`);
    this.#health?.start();
  }

  stop(): void {
    this.#health?.stop();
  }

  /** Streams, verifies and activates one upload; throws an OtaError saying why not. */
  async upload(request: OtaUploadRequest): Promise<OtaUploadResult> {
    const { ota, crypto, key } = this.#readyPorts(); // Synchronous, so a second concurrent upload is refused at once.
    const boundary = multipartBoundary(request.contentType);
    const maxBody = this.#maxImageBytes + MULTIPART_OVERHEAD_BYTES;
    if (request.contentLength !== undefined && request.contentLength > maxBody) {
      throw new OtaError('image_too_large', `the upload has ${request.contentLength} bytes; images may have at most ${this.#maxImageBytes}`);
    }
    this.#busy = true;
    this.#counters.uploads++;
    const bus = this.#context.bus;
    const writer = new ImageWriter(ota, crypto.createSha256(), this.#maxImageBytes);
    const parts = new UploadParts(writer);
    const parser = new MultipartParser(boundary, parts);
    try {
      this.#state = 'receiving';
      const expected = request.contentLength ?? 0;
      bus.publish('ota.started', { size: expected });
      let received = 0;
      let nextProgress = 0;
      const step = Math.max(64 * 1024, Math.ceil(expected / PROGRESS_STEPS));
      for await (const chunk of request.body) {
        received += chunk.length;
        if (received > maxBody) throw new OtaError('image_too_large', `the upload exceeds ${maxBody} bytes; images may have at most ${this.#maxImageBytes}`);
        parser.push(chunk);
        this.#counters.bufferHighWater = Math.max(this.#counters.bufferHighWater, parser.highWaterBytes + parts.heldBytes);
        if (received >= nextProgress) {
          bus.publish('ota.progress', { written: received, size: expected, phase: 'receiving' });
          nextProgress = received + step;
        }
      }
      parser.finish();
      const signature = parts.signature();
      const image = writer.finish();
      this.#state = 'verifying';
      bus.publish('ota.progress', { written: received, size: expected, phase: 'verifying' });
      verifySignature(crypto, key, image.digest, signature);
      const version = imageVersion(image.head, image.digest);
      const securityVersion = imageSecurityVersion(image.head);
      this.#checkRollback(ota, version, securityVersion, request.allowDowngrade === true);
      writer.activate(version, securityVersion);
      this.#state = 'activated';
      this.#counters.activations++;
      this.#last = { result: 'activated', detail: version };
      this.#log.info(`image ${version} (${image.size} bytes) verified and activated; restarting into it`);
      bus.publish('ota.completed', { version });
      return { status: 'activated', version, size_bytes: image.size, sha256: toHex(image.digest).toLowerCase(), algorithm: key.algorithm, security_version: securityVersion, restarting: true };
    } catch (error) {
      writer.abort();
      const failure = error instanceof OtaError ? error : new OtaError('truncated_upload', `the upload broke off: ${errorMessage(error)}`);
      this.#state = 'failed';
      this.#counters.failures++;
      this.#last = { result: 'failed', detail: `${failure.code}: ${failure.message}` };
      this.#log.warn(`upload refused, running image untouched: ${this.#last.detail}`);
      bus.publish('ota.failed', { reason: this.#last.detail });
      throw failure;
    } finally {
      this.#counters.largestWrite = Math.max(this.#counters.largestWrite, writer.largestWrite);
      this.#busy = false;
    }
  }

  /** Anti-rollback: refuses an image below the confirmed security version unless the development override applies. */
  #checkRollback(ota: OtaPort, version: string, securityVersion: number, allowDowngrade: boolean): void {
    const floor = ota.info().securityFloor ?? 0;
    if (securityVersion >= floor) return;
    const why = `image ${version} has security version ${securityVersion}, below the ${floor} of the confirmed firmware (anti-rollback)`;
    if (!allowDowngrade) throw new OtaError('downgrade_refused', `${why}; build it with a security version of at least ${floor}`);
    if (!this.#developmentOverride) throw new OtaError('downgrade_refused', `${why}; the downgrade override works on development builds only`);
    this.#log.warn(`${why}: installed anyway through the development override`);
  }

  #readyPorts(): { ota: OtaPort; crypto: CryptoPort; key: SigningKey } {
    const { ota, crypto } = this.#context.host;
    const key = this.#key;
    if (!ota || !crypto) throw new OtaError('not_ready', 'this host has no firmware slots or no crypto port');
    if (!key) throw new OtaError('no_public_key', `firmware uploads are refused: ${this.#keyProblem}`);
    if (this.#busy) throw new OtaError('busy', 'another firmware upload is in progress');
    if (this.#state === 'activated') throw new OtaError('not_ready', 'an image is already activated; the gateway restarts into it');
    if (ota.info().pendingVerify) {
      throw new OtaError('not_ready', 'the running image is not confirmed yet (health check running); its slot holds the image a rollback needs');
    }
    return { ota, crypto, key };
  }

  /** For /api/status: the slots and where an update stands. */
  status(): Record<string, unknown> {
    const info = this.#context.host.ota?.info();
    return {
      state: this.#state,
      running_version: info?.running ?? null,
      pending_version: info?.pending ?? null,
      previous_version: info?.previous ?? null,
      pending_verify: info?.pendingVerify ?? false,
      health_check: this.#health?.state ?? 'not_pending',
      health_detail: this.#health?.detail ?? '',
      max_image_bytes: this.#maxImageBytes,
      signature_algorithm: this.#key?.algorithm ?? null,
      uploads_refused_reason: this.#keyProblem || null,
      last_result: this.#last?.result ?? null,
      last_detail: this.#last?.detail ?? null,
      last_rollback: info?.lastRollback ? { version: info.lastRollback.version, reason: info.lastRollback.reason, at_this_boot: info.lastRollback.atThisBoot } : null,
      security_floor: info?.securityFloor ?? 0,
      unavailable_reason: info?.unavailable ?? null,
    };
  }

  metrics(): ModuleMetrics {
    const info = this.#context.host.ota?.info();
    return {
      ota_state: this.#state,
      ota_running_version: info?.running ?? '',
      ota_pending_version: info?.pending ?? '',
      ota_pending_verify: info?.pendingVerify ?? false,
      ota_health_check: this.#health?.state ?? 'not_pending',
      ota_uploads_total: this.#counters.uploads,
      ota_activations_total: this.#counters.activations,
      ota_failures_total: this.#counters.failures,
      ota_last_error: this.#last?.result === 'failed' ? this.#last.detail : '',
      ota_buffer_high_water_bytes: this.#counters.bufferHighWater,
      ota_largest_write_bytes: this.#counters.largestWrite,
    };
  }
}
