// The built-in qos NF (functions/qos), as shipped in the SNF runtime image.
import { getFunction } from 'snf/functions';

export default getFunction('qos');
