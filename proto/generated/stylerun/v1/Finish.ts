// Original file: proto/stylerun.proto


export interface Finish {
}

export interface Finish__Output {
}
