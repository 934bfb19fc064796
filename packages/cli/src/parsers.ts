import { InvalidArgumentError } from 'commander';

/** commander argument parsers: a clear message, no NaN smuggled through. */
export function integerIn(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) {
      throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(value)}`);
    }
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected ${min} to ${max}, got ${n}`);
    return n;
  };
}

export function positiveDecimal(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new InvalidArgumentError(`expected a number like 0.045, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function positiveRate(value: string): number {
  const n = positiveDecimal(value);
  if (n <= 0) throw new InvalidArgumentError('expected a rate above 0 (messages per second)');
  return n;
}
