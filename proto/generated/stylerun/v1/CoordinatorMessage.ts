// Original file: proto/stylerun.proto

import type { Welcome as _stylerun_v1_Welcome, Welcome__Output as _stylerun_v1_Welcome__Output } from '../../stylerun/v1/Welcome.js';
import type { Assignment as _stylerun_v1_Assignment, Assignment__Output as _stylerun_v1_Assignment__Output } from '../../stylerun/v1/Assignment.js';
import type { Finish as _stylerun_v1_Finish, Finish__Output as _stylerun_v1_Finish__Output } from '../../stylerun/v1/Finish.js';
import type { Abort as _stylerun_v1_Abort, Abort__Output as _stylerun_v1_Abort__Output } from '../../stylerun/v1/Abort.js';

export interface CoordinatorMessage {
  'welcome'?: (_stylerun_v1_Welcome | null);
  'assignment'?: (_stylerun_v1_Assignment | null);
  'finish'?: (_stylerun_v1_Finish | null);
  'abort'?: (_stylerun_v1_Abort | null);
  'kind'?: "welcome"|"assignment"|"finish"|"abort";
}

export interface CoordinatorMessage__Output {
  'welcome'?: (_stylerun_v1_Welcome__Output | null);
  'assignment'?: (_stylerun_v1_Assignment__Output | null);
  'finish'?: (_stylerun_v1_Finish__Output | null);
  'abort'?: (_stylerun_v1_Abort__Output | null);
  'kind'?: "welcome"|"assignment"|"finish"|"abort";
}
