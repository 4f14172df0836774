/*
 * embedded:provider/builtin for the TinyBMS-GW board (ECMA-419 host provider): the IO classes
 * and the board's wiring by name. The gateway itself receives its pins through mc/config, so
 * this only describes the board for anything that asks `device` (nothing on I2C/SPI here).
 */

import Digital from "embedded:io/digital";
import Serial from "embedded:io/serial";

const device = {
	io: { Digital, Serial },
	Serial: {
		default: {
			io: Serial,
			port: 1,
			receive: 36,
			transmit: 37
		}
	},
	pin: {
		bmsUartReceive: 36,
		bmsUartTransmit: 37,
		canReceive: 4,
		canTransmit: 5
	}
};

export default device;
