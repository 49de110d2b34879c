// The built-in udp-whitelist NF (functions/udp-whitelist), as shipped in the SNF runtime image.
import { getFunction } from 'snf/functions';

export default getFunction('udp-whitelist');
