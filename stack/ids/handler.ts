// The built-in ids NF (functions/ids), as shipped in the SNF runtime image.
import { getFunction } from 'snf/functions';

export default getFunction('ids');
