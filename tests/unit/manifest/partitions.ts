/** ESP-IDF partition table CSV (name, type, subtype, offset, size, flags) with numeric offsets and sizes. */
export interface Partition {
  name: string;
  type: string;
  subtype: string;
  offset: number;
  size: number;
}

function parseNumber(text: string): number {
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text, 16);
  const match = /^(\d+)([KM]?)$/i.exec(text);
  if (!match) throw new Error(`not a partition number: "${text}"`);
  return Number(match[1]) * (match[2].toUpperCase() === 'M' ? 1024 * 1024 : match[2] ? 1024 : 1);
}

/** Every row needs an explicit offset here (the table is written out in full on purpose). */
export function parsePartitions(csv: string): Partition[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [name, type, subtype, offset, size] = line.split(',').map((cell) => cell.trim());
      return { name, type, subtype, offset: parseNumber(offset), size: parseNumber(size) };
    });
}
