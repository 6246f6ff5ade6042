/** Registers the built-in experiment kinds. A new kind is a new module here plus one line below. */
import { experimentKinds } from '../registry';
import { criticalPointSearch } from './critical-point-search';
import { dlaeAnalytic } from './dlae-analytic';
import { lineScan } from './line-scan';
import { quarticNewtonMr } from './quartic-newton-mr';
import { segmentScan } from './segment-scan';

experimentKinds.register(lineScan);
experimentKinds.register(segmentScan);
experimentKinds.register(quarticNewtonMr);
experimentKinds.register(dlaeAnalytic);
experimentKinds.register(criticalPointSearch);
