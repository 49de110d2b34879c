// A chain of built-in NFs run in one unit (sdk/chain.ts): UDP whitelisting, then source NAT.
import { getFunction } from 'snf/functions';

export default getFunction('udp-whitelist,nat');
