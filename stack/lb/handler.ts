// The built-in lb NF (functions/lb), as shipped in the SNF runtime image.
import { getFunction } from 'snf/functions';

export default getFunction('lb');
