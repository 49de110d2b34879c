/**
 * A set of IPv4 prefixes ("inside" networks) as two typed arrays; membership is a short loop of
 * mask-and-compare, no allocation. Lists here are a handful of prefixes, so a linear scan beats a
 * trie. (Shared by nat and udp-whitelist; a candidate for sdk/ — see functions/README.md.)
 */
import type { Cidr } from '../../sdk/config';

export class AddressSet {
  private readonly nets: Uint32Array;
  private readonly masks: Uint32Array;

  constructor(cidrs: readonly Cidr[]) {
    this.nets = new Uint32Array(cidrs.length);
    this.masks = new Uint32Array(cidrs.length);
    cidrs.forEach((c, i) => {
      this.masks[i] = c.mask;
      this.nets[i] = c.network;
    });
  }

  has(ip: number): boolean {
    const nets = this.nets;
    const masks = this.masks;
    for (let i = 0; i < nets.length; i++) {
      if (((ip & masks[i]!) >>> 0) === nets[i]) return true;
    }
    return false;
  }
}
