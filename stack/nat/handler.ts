// The built-in nat NF (functions/nat), as shipped in the SNF runtime image.
import { getFunction } from 'snf/functions';

export default getFunction('nat');
