/** Registers the built-in experiment kinds. A new kind is a new module here plus one line below. */
import { experimentKinds } from '../registry';
import { lineScan } from './line-scan';
import { segmentScan } from './segment-scan';

experimentKinds.register(lineScan);
experimentKinds.register(segmentScan);
