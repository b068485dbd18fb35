// Original file: proto/stylerun.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
