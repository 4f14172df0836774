/**
 * The BOOT button (GPIO 0 on ESP32-S3 boards, low while pressed) as press/release callbacks for
 * the login recovery window (modules/config_manager/login_recovery.ts). Closed once the window
 * is over, so the pin costs nothing afterwards.
 */
import Digital from 'embedded:io/digital';

export const BOOT_BUTTON_PIN = 0;

export function watchBootButton(onChange: (pressed: boolean) => void): { close(): void } {
  const button = new Digital({
    pin: BOOT_BUTTON_PIN,
    mode: Digital.InputPullUp,
    edge: Digital.Rising | Digital.Falling,
    onReadable(this: Digital) {
      onChange(this.read() === 0);
    },
  });
  return { close: () => button.close() };
}
